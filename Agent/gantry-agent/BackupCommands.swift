import ArgumentParser
import Foundation
import GantryAgent
import GantryCore

/// `gantry-agent backup --to FILE`: a consistent copy of the plant's store (and MQTT inbox) while the agent runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the plant's store (and its MQTT inbox folder) consistently while the agent runs.",
        discussion: """
            Writes FILE (one snapshot, checked, fsynced, renamed into place) and, with MQTT, FILE-inbox.d. Restore \
            with the agent stopped: copy FILE to store.path and FILE-inbox.d to store.path-inbox.d, then run \
            `gantry-agent recover --from-hub` before starting it (docs/operations.md, Backups).
            """)
    @Option(help: "Configuration file (key = value lines). GANTRY_AGENT_* variables override it.") var config: String?
    @Option(help: "The backup file to write.") var to: String
    @Flag(help: "Replace the file (and its inbox copy) if they exist.") var force = false

    func run() async throws {
        let configuration = try AgentConfiguration.load(path: config, environment: ProcessInfo.processInfo.environment)
        print(try AgentBackup.run(storePath: configuration.storePath, to: to, force: force).text)
    }
}

/// `gantry-agent recover --from-hub`: a store restored from an older backup takes the events the hub holds beyond it.
struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Bring a store restored from an older backup level with the hub (run with the agent stopped).",
        discussion: """
            The hub refuses a plant whose log is behind what it has applied (plant-log-behind): the agent would \
            record new facts at sequences the hub holds others at. This appends the hub's events beyond the \
            store's end to its log, so the agent continues after them.
            """)
    @Option(help: "Configuration file (key = value lines). GANTRY_AGENT_* variables override it.") var config: String?
    @Flag(help: "Fetch the plant's events from the hub's event feed (the only source there is).") var fromHub = false
    @Option(help: "A hub token allowed to read the plant's events (an auditor or administrator of its company). Prefer GANTRY_HUB_READ_TOKEN: a token on the command line is visible to local users and stays in the shell's history.")
    var token: String?

    func run() async throws {
        guard fromHub else { throw CommandLineError("say where to recover from: --from-hub") }
        let environment = ProcessInfo.processInfo.environment
        guard let token = token ?? environment["GANTRY_HUB_READ_TOKEN"], !token.isEmpty else {
            throw CommandLineError("--token (or GANTRY_HUB_READ_TOKEN) is required: a hub principal that may read the plant's events")
        }
        let configuration = try AgentConfiguration.load(path: config, environment: environment)
        print(try await AgentRecovery.fromHub(configuration, token: token).text)
    }
}
