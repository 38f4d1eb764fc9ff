import ArgumentParser
import Foundation
import GantryHub
import Logging

@main
struct GantryHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gantry-hub",
        abstract: "Gantry's hub: applies every plant's events exactly once and governs what plants share.",
        subcommands: [Serve.self, Plants.self, Tokens.self])
}

/// The configuration file option shared by every subcommand.
struct ConfigOption: ParsableArguments {
    @Option(help: "Configuration file (key = value lines). GANTRY_HUB_* variables override it.")
    var config: String?

    func load() throws -> HubConfiguration {
        try HubConfiguration.load(path: config, environment: ProcessInfo.processInfo.environment)
    }

    func administration() async throws -> HubAdministration {
        let configuration = try load()
        var logger = Logger(label: "gantry-hub")
        logger.logLevel = .error
        return HubAdministration(store: try await openHubStore(configuration, logger: logger), configuration: configuration)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the hub's HTTP API until SIGTERM or SIGINT.")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await runHub(configuration: try options.load())
    }
}

struct Plants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enrol plants and manage their tokens.", subcommands: [Add.self, List.self, RotateToken.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a plant; prints the agent's configuration with its token (shown only once).")
        @OptionGroup var options: ConfigOption
        @Option(help: "Company code (letters and digits).") var company: String
        @Option(help: "Plant code, unique within the company (letters and digits).") var code: String
        @Option(help: "The plant's IANA time zone, e.g. Europe/Berlin.") var timeZone: String

        func run() async throws {
            print(try await options.administration().enrolPlant(company: company, code: code, timeZone: timeZone))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List enrolled plants.")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            try await options.administration().listPlants().forEach { print($0) }
        }
    }

    struct RotateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new token for a plant; the old one stops working at once.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Plant id, COMPANY-PLANT.") var plant: String

        func run() async throws {
            print(try await options.administration().rotatePlantToken(plantID: plant))
        }
    }
}

struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage administrator tokens for the hub's API.", subcommands: [Add.self, List.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an administrator token (shown only once).")
        @OptionGroup var options: ConfigOption
        @Option(help: "A unique name for the token, e.g. the person or system using it.") var name: String

        func run() async throws {
            print(try await options.administration().addAdminToken(name: name))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List administrator tokens.")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            try await options.administration().listAdminTokens().forEach { print($0) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an administrator token.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The token's name.") var name: String

        func run() async throws {
            try await options.administration().revokeAdminToken(name: name)
        }
    }
}
