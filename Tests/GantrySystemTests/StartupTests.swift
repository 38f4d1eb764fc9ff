import Foundation
import GantryTestSupport
import Testing

/// A socket listening on a free loopback port, the port taken for as long as it is open.
final class OccupiedPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound, listen(descriptor, 1) == 0 else {
            close(descriptor)
            throw CancellationError()
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

/// What the executables say when they cannot start: the address they could not listen on, the MQTT setting or
/// file at fault, the configuration line; exit status 1 and nothing else (no stray `CancellationError()`).
@Suite struct StartupTests {
    func expectRefusedStart(_ result: (status: Int32, stdout: String, stderr: String), saying message: String) {
        #expect(result.status == 1, "exit status \(result.status); stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("CancellationError"), "\(result.stderr)")
        #expect(!result.stderr.contains("errno"), "\(result.stderr)")
        #expect(!result.stdout.contains("listening on"), "\(result.stdout)")
    }

    @Test func anAgentWhosePortIsTakenSaysWhereAndWhatToSet() async throws {
        let occupied = try OccupiedPort()
        try await withTemporaryDirectory { dir in
            try "plant.id = ACME-BER\nhub.url = http://127.0.0.1:1\nhub.token = t\nstore.path = \(dir)/ber.sqlite\nhttp.port = \(occupied.port)\n"
                .write(toFile: "\(dir)/agent.conf", atomically: true, encoding: .utf8)
            let result = try await run("gantry-agent", ["run", "--config", "\(dir)/agent.conf"])
            expectRefusedStart(result, saying: "cannot listen on 127.0.0.1:\(occupied.port): address already in use")
            #expect(result.stderr.contains("set http.port"), "\(result.stderr)")
        }
    }

    @Test func aHubWhosePortIsTakenSaysWhereAndWhatToSet() async throws {
        let occupied = try OccupiedPort()
        try await withTemporaryDirectory { dir in
            let result = try await run("gantry-hub", ["serve"], environment: [
                "GANTRY_HUB_STORE_PATH": "\(dir)/hub.sqlite", "GANTRY_HUB_HTTP_PORT": "\(occupied.port)",
            ])
            expectRefusedStart(result, saying: "cannot listen on 127.0.0.1:\(occupied.port): address already in use")
            #expect(result.stderr.contains("set http.port"), "\(result.stderr)")
        }
    }

    @Test func brokerSettingsAreCheckedBeforeAnythingStarts() async throws {
        try await withTemporaryDirectory { dir in
            let base = "plant.id = ACME-BER\nhub.url = http://127.0.0.1:1\nhub.token = t\nstore.path = \(dir)/ber.sqlite\nhttp.port = 0\n"
            for (extra, message) in [
                ("mqtt.host = 127.0.0.1:1883", "mqtt.host: expected a host name or address without a port"),
                ("mqtt.host = 127.0.0.1\nmqtt.tls_ca_file = \(dir)/absent-ca.pem", "mqtt.tls_ca_file: cannot read \(dir)/absent-ca.pem: no such file"),
                ("mqtt.host = 127.0.0.1\nmqtt.tls_cert_file = \(dir)/agent.conf\nmqtt.tls_key_file = \(dir)/agent.conf",
                 "mqtt.tls_cert_file: is set but mqtt.tls_ca_file is not"),
            ] {
                try (base + extra + "\n").write(toFile: "\(dir)/agent.conf", atomically: true, encoding: .utf8)
                let result = try await run("gantry-agent", ["run", "--config", "\(dir)/agent.conf"])
                expectRefusedStart(result, saying: message)
                #expect(result.stderr.contains("\(dir)/agent.conf:"), "the line is named: \(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: "\(dir)/ber.sqlite"), "nothing started: \(extra)")
            }
        }
    }

    @Test func aStoreFolderThatDoesNotExistIsNamed() async throws {
        try await withTemporaryDirectory { dir in
            let result = try await run("gantry-agent", ["run"], environment: [
                "GANTRY_AGENT_PLANT_ID": "ACME-BER", "GANTRY_AGENT_HUB_URL": "http://127.0.0.1:1", "GANTRY_AGENT_HUB_TOKEN": "t",
                "GANTRY_AGENT_STORE_PATH": "\(dir)/absent/ber.sqlite", "GANTRY_AGENT_HTTP_PORT": "0",
            ])
            expectRefusedStart(result, saying: "store.path: the folder \(dir)/absent of the agent's store \(dir)/absent/ber.sqlite does not exist")
            // The hub's database the same way, for `serve` and for every command that opens it.
            for arguments in [["serve"], ["tokens", "list"]] {
                let hub = try await run("gantry-hub", arguments, environment: ["GANTRY_HUB_STORE_PATH": "\(dir)/absent/hub.sqlite"])
                expectRefusedStart(hub, saying: "store.path: the folder \(dir)/absent of the hub's store \(dir)/absent/hub.sqlite does not exist")
            }
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/absent"))
        }
    }

    @Test func aWindowsConfigurationWithADuplicateAndAnUnknownVariableIsRefusedByLine() async throws {
        try await withTemporaryDirectory { dir in
            try "plant.id = ACME-BER\r\nhub.url = http://127.0.0.1:1 # the hub\r\nhub.token = t\r\nstore.path = \(dir)/ber.sqlite\r\nhttp.port = 0\r\nhttp.port = 1\r\n"
                .write(toFile: "\(dir)/agent.conf", atomically: true, encoding: .utf8)
            let duplicate = try await run("gantry-agent", ["run", "--config", "\(dir)/agent.conf"])
            expectRefusedStart(duplicate, saying: "agent.conf:6: http.port: set again (first set at \(dir)/agent.conf:5)")
            let unknown = try await run("gantry-hub", ["serve"], environment: [
                "GANTRY_HUB_STORE_PATH": "\(dir)/hub.sqlite", "GANTRY_HUB_HTTP_PROT": "0",
            ])
            expectRefusedStart(unknown, saying: "GANTRY_HUB_HTTP_PROT: unknown environment variable")
        }
    }
}
