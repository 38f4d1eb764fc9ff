import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// The Debian packages and archives `make dist` writes, made here by the same script from the tests' own build
/// (a release build would take minutes): unpacked with dpkg-deb, their files and modes checked, their binaries run,
/// their units checked offline by systemd-analyze.
@Suite struct PackagingTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Runs `executable` with exactly `environment` (nothing inherited: no LD_LIBRARY_PATH) and returns its status
    /// and output.
    func runClean(_ executable: String, _ arguments: [String], environment: [String: String] = ["PATH": "/usr/bin:/bin"])
        throws -> (status: Int32, output: String)
    {
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs a tool found on PATH, without holding a thread while it runs. Its output goes to a file, complete once
    /// it has exited (a pipe's reader may still be behind).
    func tool(_ name: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-tool-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(600)
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw PackagingFailure(output: "\(name) did not end in time")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
    }

    /// The permission bits of `path`.
    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// The packages of the tests' build, made once for the suite by the script `make dist` runs (it packs both
    /// binaries), in a folder beside the build that the next run replaces; and the Debian architecture.
    static let packages = Task<(dist: String, arch: String), any Error> {
        let dist = "\(binDirectory)/gantry-dist-test"
        try? FileManager.default.removeItem(atPath: dist)
        let made = try await PackagingTests().tool(
            "\(repository)/provisioning/dist.sh", ["--bin", binDirectory, "--out", dist, "--allow-toolchain-libs", "--fast"])
        guard made.status == 0 else { throw PackagingFailure(output: made.output) }
        let arch = try await PackagingTests().tool("dpkg", ["--print-architecture"]).output
        return (dist, arch.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// dist.sh failed; `output` says why.
    struct PackagingFailure: Error { var output: String }

    @Test(arguments: ["agent", "hub"])
    func thePackageInstallsTheBinaryItsUnitAndItsConfiguration(name: String) async throws {
        try await withTemporaryDirectory { dir in
            let program = "gantry-\(name)", version = GantryVersion.current
            let (dist, arch) = try await Self.packages.value
            let deb = "\(dist)/\(program)_\(version)_\(arch).deb"
            #expect(try await tool("dpkg-deb", ["-x", deb, "\(dir)/root"]).status == 0)
            #expect(try await tool("dpkg-deb", ["-e", deb, "\(dir)/control"]).status == 0)

            // Files, modes and owners: the configuration is for root and the gantry group only.
            let root = "\(dir)/root"
            #expect(try mode("\(root)/usr/bin/\(program)") == 0o755)
            #expect(try mode("\(root)/lib/systemd/system/\(program).service") == 0o644)
            #expect(try mode("\(root)/lib/systemd/system/\(program)-backup.timer") == 0o644)
            #expect(try mode("\(root)/etc/gantry/\(name).conf") == 0o640)
            #expect(FileManager.default.fileExists(atPath: "\(root)/usr/share/doc/\(program)/operations.md"))
            let listing = try await tool("dpkg-deb", ["-c", deb]).output
            #expect(listing.split(separator: "\n").allSatisfy { $0.contains(" root/root ") }, "\(listing)")

            // The control files: what it is, the conffile, the scripts that create the user and keep the data.
            let control = try String(contentsOfFile: "\(dir)/control/control", encoding: .utf8)
            #expect(control.contains("Package: \(program)\n"))
            #expect(control.contains("Version: \(version)\n"))
            #expect(control.contains("Architecture: \(arch)\n"))
            let depends = try #require(control.split(separator: "\n").first { $0.hasPrefix("Depends: ") })
            for package in ["adduser", "libc6", "libsqlite3-0"] { #expect(depends.contains(package), "\(depends)") }
            if name == "agent" { for package in ["libcurl4", "libmosquitto1"] { #expect(depends.contains(package), "\(depends)") } }
            #expect(try String(contentsOfFile: "\(dir)/control/conffiles", encoding: .utf8) == "/etc/gantry/\(name).conf\n")
            for script in ["postinst", "prerm", "postrm"] { #expect(try mode("\(dir)/control/\(script)") == 0o755) }
            let postinst = try String(contentsOfFile: "\(dir)/control/postinst", encoding: .utf8)
            #expect(postinst.contains("adduser --system") && postinst.contains("chown root:gantry /etc/gantry /etc/gantry/\(name).conf"))
            let postrm = try String(contentsOfFile: "\(dir)/control/postrm", encoding: .utf8)
            #expect(!postrm.contains("rm -rf") && !postrm.contains("deluser"))
            for script in ["postinst", "prerm", "postrm"] { #expect(try await tool("sh", ["-n", "\(dir)/control/\(script)"]).status == 0) }

            // The packaged binary runs with a clean environment and says the release it belongs to.
            let answer = try runClean("\(root)/usr/bin/\(program)", ["--version"])
            #expect(answer.status == 0 && answer.output == "\(version)\n", "\(answer.output)")
            #expect(try runClean("\(root)/usr/bin/\(program)", ["--help"]).output.contains("USAGE: \(program)"))

            // The archive holds the same binary, its unit, the example configuration and the docs.
            let machine = try await tool("uname", ["-m"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            let archive = try await tool("tar", ["-tzf", "\(dist)/\(program)-\(version)-linux-\(machine).tar.gz"])
            #expect(archive.status == 0, "\(archive.output)")
            let folder = "\(program)-\(version)-linux-"
            for file in ["/\(program)", "/\(program).service", "/\(name).conf.example", "/docs/operations.md"] {
                #expect(archive.output.split(separator: "\n").contains { $0.hasPrefix(folder) && $0.hasSuffix(file) }, "\(file): \(archive.output)")
            }
        }
    }

    @Test(arguments: ["agent", "hub"])
    func thePackagedUnitIsValidAndRatedOKBySystemdAnalyze(name: String) async throws {
        try await withTemporaryDirectory { dir in
            let program = "gantry-\(name)", unit = "gantry-\(name).service"
            let (dist, arch) = try await Self.packages.value
            let root = "\(dir)/root"
            #expect(try await tool("dpkg-deb", ["-x", "\(dist)/\(program)_\(GantryVersion.current)_\(arch).deb", root]).status == 0)
            // verify resolves the unit's dependencies (multi-user.target, network-online.target) in the root: the
            // host's own units beside the package's, the host's never replacing the package's.
            #expect(try await tool("cp", ["-an", "/lib/systemd/system/.", "\(root)/lib/systemd/system/"]).status == 0)

            let verify = try await tool("systemd-analyze", ["verify", "--man=no", "--root=\(root)", unit])
            #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")

            // --threshold counts in tenths: 35 is 3.5, the highest exposure rated "OK".
            let security = try await tool("systemd-analyze", ["security", "--offline=true", "--root=\(root)", "--threshold=35", unit])
            #expect(security.status == 0, "\(security.output)")
            let overall = try #require(security.output.split(separator: "\n").first { $0.contains("Overall exposure level for \(unit):") })
            let words = overall.split(separator: " ")
            let score = try #require(words.firstIndex { $0.hasSuffix("\(unit):") }.flatMap { Double(words[$0 + 1]) }, "\(overall)")
            #expect(score <= 3.5, "\(overall)")
            #expect(overall.contains(" OK ") || overall.contains(" SAFE "), "\(overall)")

            // The checks can fail: without the binary the unit is not valid.
            try FileManager.default.removeItem(atPath: "\(root)/usr/bin/\(program)")
            let broken = try await tool("systemd-analyze", ["verify", "--man=no", "--root=\(root)", unit])
            #expect(broken.status != 0 && broken.output.contains("/usr/bin/\(program) is not executable"), "\(broken.output)")
        }
    }

    /// The hub and an agent serve and sync while each runs under the units' system call filter and W^X rule
    /// (`provisioning/systemd/sandbox-run.py` applies them without systemd): MemoryDenyWriteExecute and
    /// `@system-service ~@privileged @resources` leave them nothing they need.
    @Test func hubAndAgentWorkUnderTheUnitsSystemCallFilterAndWXorX() async throws {
        let sandbox = "\(Self.repository)/provisioning/systemd/sandbox-run.py"
        // The sandbox is on: a priority (@resources) and memory both writable and executable are refused, which
        // the same Python does outside it.
        for (code, error) in [("import os; os.nice(5)", "[Errno 1] Operation not permitted"),
                              ("import mmap; mmap.mmap(-1, 4096, prot=7)", "[Errno 13] Permission denied")] {
            #expect(try await tool("python3", ["-c", code]).status == 0)
            let refused = try await tool(sandbox, ["/usr/bin/python3", "-c", code])
            #expect(refused.status == 1 && refused.output.contains("PermissionError: \(error)"), "\(refused.output)")
        }

        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            let token = try await hub.enrol("BER")
            let hubChild = try ChildProcess("/usr/bin/env", [sandbox, "\(binDirectory)/gantry-hub", "serve", "--config", hub.configPath])
            let hubURL = "http://127.0.0.1:\(try await hubChild.listeningPort())"
            #expect(try await HTTP.request("GET", "\(hubURL)/healthz").status == 200, "\(hubChild.standardError)")

            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hubURL, token: token)
            let agentChild = try ChildProcess("/usr/bin/env", [sandbox, "\(binDirectory)/gantry-agent", "run", "--config", agent.configPath])
            let agentURL = "http://127.0.0.1:\(try await agentChild.listeningPort())"
            let scan = try await HTTP.request("POST", "\(agentURL)/v1/scans", json: #"{"data":"]C10109506000134352","device":"dock-1"}"#)
            #expect(scan.status == 201, "\(scan.text)")
            try await eventually("the hub has the scan") {
                let status = try await HTTP.request("GET", "\(agentURL)/v1/status").json()
                return status["acknowledgedSequence"] as? Int == 1
            }
            let events = try await HTTP.request("GET", "\(hubURL)/v1/events?plant=ACME-BER&after=0&limit=10", token: hub.adminToken).json()
            #expect((events["events"] as? [[String: Any]])?.count == 1, "\(events)")
            #expect(try await agentChild.stop() == 0, "\(agentChild.standardError)")
            #expect(try await hubChild.stop() == 0, "\(hubChild.standardError)")
            #expect(hubChild.standardError.contains("sandbox: ") && agentChild.standardError.contains("W^X on"))
        }
    }

    /// A binary that loads the Swift runtime from the toolchain (as the tests' debug build does) would not run where
    /// no toolchain is: dist.sh refuses it, before writing anything, unless told it is for a test.
    @Test func binariesThatNeedTheToolchainAreRefused() async throws {
        try await withTemporaryDirectory { dir in
            let refused = try await tool("\(Self.repository)/provisioning/dist.sh", ["--bin", binDirectory, "--out", "\(dir)/dist"])
            #expect(refused.status == 1, "\(refused.output)")
            #expect(refused.output.contains("build with --static-swift-stdlib"), "\(refused.output)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/dist").isEmpty)
        }
    }

    /// The score check can fail: a unit with no sandbox is over the threshold.
    @Test func systemdAnalyzeFailsAUnitAboveTheThreshold() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-unit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[Service]\nExecStart=/bin/true\nUser=gantry\n".write(toFile: "\(dir)/loose.service", atomically: true, encoding: .utf8)
        let security = try await tool("systemd-analyze", ["security", "--offline=true", "--threshold=35", "\(dir)/loose.service"])
        #expect(security.status != 0, "\(security.output)")
    }
}
