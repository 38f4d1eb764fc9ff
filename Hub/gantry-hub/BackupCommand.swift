import ArgumentParser
import Foundation
import GantryHub

/// `gantry-hub backup --to FILE`: a consistent copy of the SQLite store while the hub serves.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the hub's SQLite store consistently while the hub serves (PostgreSQL: prints the pg_dump command).",
        discussion: """
            The copy is one snapshot, checked, fsynced and renamed into place; it prints the file, its size, its \
            schema and each plant's last applied sequence. Restore: stop the hub, copy the file to store.path \
            (removing store.path-wal and -shm), start it; the plants resend what it lacks (docs/operations.md).
            """)
    @OptionGroup var options: ConfigOption
    @Option(help: "The backup file to write.") var to: String
    @Flag(help: "Replace the file if it exists.") var force = false

    func run() async throws {
        print(try HubBackup.run(try options.load(), to: to, force: force).text)
    }
}
