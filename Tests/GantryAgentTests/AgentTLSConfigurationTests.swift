import Foundation
import GantryCore
@testable import GantryAgent
import Testing

/// The agent's keys for TLS to the hub and for the LAN listener.
@Suite struct AgentTLSConfigurationTests {
    static func load(_ extra: [String: String]) throws -> AgentConfiguration {
        var environment = ["PLANT_ID": "ACME-BER", "HUB_URL": "https://hub:8480", "HUB_TOKEN": "t"]
        environment.merge(extra) { $1 }
        return try AgentConfiguration.load(path: nil, environment: environment.reduce(into: [:]) { $0["GANTRY_AGENT_" + $1.key] = $1.value })
    }

    @Test func aLANListenerWithoutCertificateIsRefusedUnlessPlainIsAllowed() throws {
        let refused = #expect(throws: ConfigurationError.self) { try Self.load(["HTTP_LAN_HOST": "10.0.0.5"]) }
        #expect(refused?.key == "http.lan.host")
        #expect(refused?.reason.contains("http.lan.plain = allow") == true)
        let allowed = try Self.load(["HTTP_LAN_HOST": "10.0.0.5", "HTTP_LAN_PLAIN": "allow"])
        #expect(allowed.lan.host == "10.0.0.5" && allowed.lan.allowPlain && allowed.lan.port == 8443)
        #expect(!allowed.lan.loopbackWritesNeedToken)
    }

    @Test func lanCertificateAndKeyGoTogether() {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.load(["HTTP_LAN_HOST": "10.0.0.5", "HTTP_LAN_CERTIFICATE": "/lan.pem"])
        }
        #expect(error?.key == "http.lan.key")
    }

    @Test func hubCAAndClientCertificateAreCheckedAtLoad() throws {
        let missing = #expect(throws: ConfigurationError.self) { try Self.load(["HUB_CA_FILE": "/nowhere/ca.pem"]) }
        #expect(missing?.key == "hub.ca_file")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-ca-\(UUID().uuidString).pem").path
        try "x".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Self.load(["HUB_CA_FILE": path]).hubTLS.caFile == path)
        let alone = #expect(throws: ConfigurationError.self) { try Self.load(["HUB_CLIENT_CERTIFICATE": path]) }
        #expect(alone?.key == "hub.client_key")
    }

    @Test(arguments: [
        (UInt32(60), "SSL certificate problem: unable to get local issuer certificate", true),
        (UInt32(35), "OpenSSL SSL_connect: SSL_ERROR_SYSCALL", true),
        (UInt32(56), "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required", true),
        (UInt32(7), "Failed to connect to hub port 8480: Connection refused", false),
        (UInt32(56), "Recv failure: Connection reset by peer", false),
        (UInt32(28), "Operation timed out after 30000 milliseconds", false),
    ])
    func tlsFailuresAreToldFromOtherTransportErrors(code: UInt32, message: String, isTLS: Bool) {
        #expect(CurlHTTPClient.TransportError(code: code, message: message).isTLSFailure == isTLS)
    }
}
