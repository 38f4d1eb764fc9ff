import Foundation
import GantryTestSupport
import Testing

/// The README's first commands work for a newcomer: its walkthrough block, run as it is in an empty folder with
/// real processes, gets from nothing to a scan at the hub. Only two things differ from pasting it into a shell:
/// its first two lines, `provisioning/setup.sh` and `swift build`, are left out (`make test` has run both; the programs
/// are found on PATH from GANTRY_BIN_DIR), and the ports 8480 and 8080 are free ones, so the test runs beside
/// anything else.
@Suite struct ReadmeTests {
    static let begin = "<!-- walkthrough:"
    static let end = "<!-- end of walkthrough -->"

    /// The shell commands of the README's walkthrough block.
    static func walkthrough() throws -> String {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: begin), "the README has no walkthrough block")
        let stop = try #require(text.range(of: end, range: start.upperBound..<text.endIndex))
        let block = text[start.upperBound..<stop.lowerBound]
        let open = try #require(block.range(of: "```sh\n"))
        let close = try #require(block.range(of: "```", range: open.upperBound..<block.endIndex))
        return String(block[open.upperBound..<close.lowerBound])
    }

    @Test func theWalkthroughGetsANewcomerFromNothingToAScanAtTheHub() async throws {
        let commands = try Self.walkthrough()
        let first = commands.split(separator: "\n").prefix(2).map(String.init)
        #expect(first.count == 2 && first[0].hasPrefix("provisioning/setup.sh ") && first[1] == "swift build",
                "the walkthrough starts by installing and building: \(first)")
        #expect(commands.contains("8480") && commands.contains("8080"))
        try await withTemporaryDirectory { dir in
            let hubPort = try freePort(), agentPort = try freePort()
            let lines = commands.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2)
            let script = """
                set -euo pipefail
                trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT
                cd \(dir)
                \(lines.joined(separator: "\n").replacingOccurrences(of: "8480", with: "\(hubPort)")
                    .replacingOccurrences(of: "8080", with: "\(agentPort)"))
                # Not the README's: wait for the scan at the hub, whatever the README's own pause was.
                for attempt in $(seq 150); do
                  if curl -sf -H "Authorization: Bearer $ADMIN_TOKEN" "localhost:\(hubPort)/v1/events?plant=ACME-BER" | grep -q 'LOT42'; then
                    echo "SCAN AT THE HUB"; exit 0
                  fi
                  sleep 0.2
                done
                echo "the scan never reached the hub" >&2; exit 1
                """
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            let shell = try ChildProcess("/usr/bin/bash", ["-c", script], environment: ["PATH": "\(binDirectory):\(path)"])
            let status = try await shell.exit(timeout: .seconds(120))
            try await Task.sleep(for: .milliseconds(100))
            #expect(status == 0, "stdout:\n\(shell.standardOutput)\nstderr:\n\(shell.standardError)")
            #expect(shell.standardOutput.contains("version 2: 1 changed, 0 unchanged"), "the company record is version 1, the items version 2")
            #expect(shell.standardOutput.contains("SCAN AT THE HUB"))
            let agentConfiguration = try String(contentsOfFile: "\(dir)/try-gantry/ber.conf", encoding: .utf8)
            let folder = URL(fileURLWithPath: "\(dir)/try-gantry").resolvingSymlinksInPath().path
            #expect(agentConfiguration.contains("store.path = \(folder)/ACME-BER.sqlite")
                || agentConfiguration.contains("store.path = \(dir)/try-gantry/ACME-BER.sqlite"), "\(agentConfiguration)")
            #expect(FileManager.default.fileExists(atPath: "\(folder)/ACME-BER.sqlite"))
        }
    }
}
