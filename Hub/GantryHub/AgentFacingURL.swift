import Foundation
import GantryCore

extension HubConfiguration {
    /// Where enrolled agents keep their stores unless `gantry-hub plants add --store-dir` says otherwise.
    public static let defaultAgentStoreDirectory = "/var/lib/gantry"

    /// The URL printed into plant configurations, refused when no agent could reach it: a wildcard listening
    /// address (`0.0.0.0`, `::`) or port 0 (picked only when the hub starts) without `http.public_url`, or a
    /// `http.public_url` that is no `http://` or `https://` URL with a host. The error names the key to set.
    public func reachableAgentURL() throws(ConfigurationError) -> String {
        let wildcards: Set<String> = ["", "0.0.0.0", "::", "[::]", "*"]
        guard let publicURL else {
            if wildcards.contains(httpHost) || httpPort == 0 {
                let why = httpPort == 0
                    ? "http.port = 0 picks a free port only when the hub starts"
                    : "http.host = \(httpHost) listens on every address and names none"
                throw ConfigurationError(
                    key: "http.public_url", origin: nil,
                    reason: "agents cannot reach \(agentFacingURL) (\(why)); set http.public_url (or GANTRY_HUB_HTTP_PUBLIC_URL) "
                        + "to the URL plants reach this hub at, e.g. https://hub.example.com")
            }
            return agentFacingURL
        }
        guard let url = URLComponents(string: publicURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
              let host = url.host, !wildcards.contains(host), url.port != 0 else {
            throw ConfigurationError(
                key: "http.public_url", origin: nil,
                reason: "\"\(publicURL)\" is not a URL agents can reach; give http:// or https://, a host name or address "
                    + "(not 0.0.0.0 or ::) and a port other than 0, e.g. https://hub.example.com")
        }
        return publicURL
    }
}
