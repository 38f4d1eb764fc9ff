import ArgumentParser
import Foundation
import GantryAgent
import GantryCore

/// `gantry-agent scanner`: a keyboard-wedge or serial scanner's lines to the agent's local API.
struct ScannerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scanner",
        abstract: "Read scanner lines (standard input, or a serial device) and post them to the local agent.",
        discussion: """
            Lines starting with # are commands (print them as barcodes on the workstation's sheet): \
            #RECEIVE ORDER LINE LOCATION, #MOVE FROM TO, #ISSUE WORK-ORDER FROM, #COUNT LOCATION [COMPLETE], \
            #QTY N [UNIT], #END (posts a count), #CANCEL. Every other line is a scan. One answer line per scan: \
            OK …, REFUSED code: reason, or FAILED. Exits 1 if any scan was refused or failed.
            """)

    @Option(help: "The agent's local API.") var agent: String = "http://127.0.0.1:8080"
    @Option(help: "Read from this device or file instead of standard input (set the serial line up with stty first).")
    var input: String?

    func run() async throws {
        let handle: FileHandle
        if let input {
            guard let opened = FileHandle(forReadingAtPath: input) else {
                var isFolder: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: input, isDirectory: &isFolder)
                throw FileProblem(path: input, role: "the scanner input", reason: !exists ? .missing : isFolder.boolValue ? .folder : .notPermitted)
            }
            handle = opened
        } else {
            handle = .standardInput
        }
        let problems = try await ScannerInput(agentURL: agent).run(lines: ScannerInput.lines(of: handle)) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        if problems > 0 { throw ExitCode(1) }
    }
}
