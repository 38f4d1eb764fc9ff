import ArgumentParser
import Foundation
import GantryAgent
import GantryCore

@main
struct GantryAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gantry-agent",
        abstract: "Gantry's plant agent: records plant facts locally and syncs them to the hub.",
        version: GantryVersion.current,
        subcommands: [
            Run.self, GS1Command.self, ScannerCommand.self, WorkOrdersCommand.self, ReorderCommand.self, ApprovalsCommand.self,
            UsersCommand.self, BackupCommand.self, RecoverCommand.self, StatusCommand.self,
        ])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the agent until SIGTERM or SIGINT.")

        @Option(help: "Configuration file (key = value lines). GANTRY_AGENT_* variables override it.")
        var config: String?

        func run() async throws {
            let configuration = try AgentConfiguration.load(path: config, environment: ProcessInfo.processInfo.environment)
            try await runAgent(configuration: configuration)
        }
    }
}
