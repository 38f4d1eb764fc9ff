import ArgumentParser
import Foundation
import GantryHub

/// `gantry-hub events list|detach|restore`: the raw events' months on PostgreSQL (docs/postgresql.md).
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "The raw events' monthly partitions on PostgreSQL: list them, detach a closed month to a file, restore one.",
        subcommands: [List.self, Detach.self, Restore.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The months with a partition, and those detached to files.")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            print(try await options.withAdministration { try await HubEventMonths(store: $0.store, now: { Date() }).list() })
        }
    }

    struct Detach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a closed month's events to a file, then detach and drop its partition.",
            discussion: """
                The month is the hub's receive time (UTC); only months before the current one are closed. The file is \
                written and flushed first; the partition is detached and dropped only if it still holds exactly the \
                events written. Reports and projections do not change. `gantry-hub events restore` puts the month back.
                """)
        @OptionGroup var options: ConfigOption
        @Option(help: "The month, yyyy-MM (UTC).") var month: String
        @Option(help: "The archive file to write (must not exist).") var to: String

        func run() async throws {
            print(try await options.withAdministration { try await HubEventMonths(store: $0.store, now: { Date() }).detach(month, to: to) }.text)
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a file written by `events detach` and attach it as its month's partition again.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The archive file.") var from: String

        func run() async throws {
            print(try await options.withAdministration { try await HubEventMonths(store: $0.store, now: { Date() }).restore(from: from) }.text)
        }
    }
}
