import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// The hub's `tls.*` keys: what goes together, and when plain HTTP is warned about.
@Suite struct HubTLSConfigurationTests {
    static func load(_ environment: [String: String]) throws -> HubConfiguration {
        try HubConfiguration.load(path: nil, environment: environment.reduce(into: [:]) { $0["GANTRY_HUB_" + $1.key] = $1.value })
    }

    @Test(arguments: [
        (["TLS_CERTIFICATE": "/c.pem"], "tls.key"),
        (["TLS_KEY": "/k.pem"], "tls.certificate"),
        (["TLS_CLIENT_CA": "/ca.pem"], "tls.client_ca"),
    ])
    func keysThatGoTogetherAreRefusedAlone(environment: [String: String], key: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try Self.load(environment) }
        #expect(error?.key == key)
    }

    @Test func certificateKeyAndClientCAAreRead() throws {
        let configuration = try Self.load(["TLS_CERTIFICATE": "/c.pem", "TLS_KEY": "/k.pem", "TLS_CLIENT_CA": "/ca.pem"])
        #expect(configuration.tls.enabled)
        #expect(configuration.tls.certificateFile == "/c.pem" && configuration.tls.keyFile == "/k.pem")
        #expect(configuration.tls.clientCAFile == "/ca.pem")
        #expect(configuration.agentFacingURL == "https://127.0.0.1:8480")
    }

    @Test(arguments: [
        ("127.0.0.1", false, false), ("localhost", false, false), ("::1", false, false), ("127.0.0.2", false, false),
        ("0.0.0.0", false, true), ("10.1.2.3", false, true), ("::", false, true), ("0.0.0.0", true, false),
    ])
    func plainHTTPIsWarnedAboutOnlyBeyondLoopback(host: String, tls: Bool, warned: Bool) {
        var configuration = HubConfiguration()
        configuration.httpHost = host
        if tls {
            configuration.tls.certificateFile = "/c.pem"
            configuration.tls.keyFile = "/k.pem"
        }
        #expect((configuration.plainHTTPWarning != nil) == warned)
        if warned { #expect(configuration.plainHTTPWarning?.contains("plain HTTP on \(host):8480") == true) }
    }

    @Test func unusableFilesAreNamedWithTheirKey() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "not a certificate\n".write(toFile: "\(dir)/c.pem", atomically: true, encoding: .utf8)
        var settings = HubTLSSettings()
        settings.certificateFile = "\(dir)/c.pem"
        settings.keyFile = "\(dir)/k.pem"
        let garbage = #expect(throws: TLSFileError.self) { try ReloadableTLSContext(settings: settings) }
        #expect(garbage?.key == "tls.certificate" && garbage?.path == "\(dir)/c.pem")
        settings.certificateFile = "\(dir)/missing.pem"
        let missing = #expect(throws: TLSFileError.self) { try ReloadableTLSContext(settings: settings) }
        #expect(missing?.reason == "the file is missing or not readable")
    }
}
