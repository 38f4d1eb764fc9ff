import Foundation
import Testing

/// A throwaway certificate authority made with `openssl` in a test's folder, and the certificates it signs.
struct TestCA {
    let dir: String
    /// The CA's certificate (PEM): what clients trust and what the hub checks client certificates against.
    var certificate: String { "\(dir)/\(name)-ca.pem" }
    let name: String

    init(dir: String, name: String = "test") async throws {
        self.dir = dir
        self.name = name
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-keyout", "\(dir)/\(name)-ca.key", "-out", "\(dir)/\(name)-ca.pem", "-subj", "/CN=Gantry \(name) CA",
        ])
    }

    /// A certificate for `commonName` signed by this CA, valid for 127.0.0.1 and localhost: a server's, or a
    /// client's when `client` is set. Returns the certificate and key files.
    func issue(_ commonName: String, serial: Int, client: Bool = false) async throws -> (certificate: String, key: String) {
        let base = "\(dir)/\(commonName)"
        try await openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(base).key", "-out", "\(base).csr", "-subj", "/CN=\(commonName)",
        ])
        let usage = client ? "clientAuth" : "serverAuth"
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=\(usage)\n"
            .write(toFile: "\(base).ext", atomically: true, encoding: .utf8)
        try await openssl([
            "x509", "-req", "-in", "\(base).csr", "-CA", certificate, "-CAkey", "\(dir)/\(name)-ca.key",
            "-set_serial", "\(serial)", "-days", "2", "-out", "\(base).pem", "-extfile", "\(base).ext",
        ])
        return ("\(base).pem", "\(base).key")
    }
}

/// Runs `openssl` and requires it to succeed.
@discardableResult
func openssl(_ arguments: [String]) async throws -> String {
    let result = try await run("/usr/bin/openssl", arguments)
    try #require(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result.stderr)")
    return result.stdout
}

/// One request with the curl command line over HTTPS, trusting `ca`: the HTTP status (0 when no response came),
/// the body, curl's exit status and its verbose log (which names the server certificate's subject).
func curl(
    _ method: String, _ url: String, ca: String, token: String? = nil, json: String? = nil, extra: [String] = []
) async throws -> (status: Int, body: String, exit: Int32, log: String) {
    var arguments = ["-sS", "-v", "--max-time", "10", "--cacert", ca, "-X", method, "-w", "\n%{http_code}"]
    if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
    if let json { arguments += ["-H", "Content-Type: application/json", "--data", json] }
    let result = try await runToFiles("/usr/bin/curl", arguments + extra + [url])
    var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let status = Int(lines.popLast() ?? "") ?? 0
    return (status, lines.joined(separator: "\n"), result.status, result.stderr)
}

/// Runs a command with its output sent to files, read once it has ended: nothing is lost to a pipe not yet drained.
func runToFiles(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-tls-\(UUID().uuidString)").path
    defer {
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
    }
    let child = try ChildProcess("/bin/sh", ["-c", "exec \"$0\" \"$@\" > \"\(base).out\" 2> \"\(base).err\" < /dev/null", executable] + arguments)
    let status = try await child.exit()
    return (status, (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "", (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
}

/// Starts `gantry-hub serve` over `hub`'s configuration with `settings` (TLS keys) added, at log level info;
/// returns the process and the port from its `listening on https://` line.
func startHub(_ hub: HubProcess, settings: String, environment: [String: String] = [:]) async throws -> (child: ChildProcess, port: Int) {
    let text = try String(contentsOfFile: hub.configPath, encoding: .utf8)
    try (text + "\n" + settings + "\n").write(toFile: hub.configPath, atomically: true, encoding: .utf8)
    let child = try ChildProcess("gantry-hub", ["serve", "--config", hub.configPath],
                                 environment: ["GANTRY_HUB_LOG_LEVEL": "info"].merging(environment) { $1 })
    let scheme = settings.contains("tls.certificate") ? "https" : "http"
    let line = try await child.line(containing: "listening on \(scheme)://")
    return (child, Int(line.split(separator: ":").last!)!)
}

/// Everything a process wrote, both streams: log lines go to one or the other depending on the log setup.
func output(of child: ChildProcess) -> String { child.standardOutput + child.standardError }
