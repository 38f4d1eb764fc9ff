import ArgumentParser
import Foundation
import GantryCore
import GantryHub
import Logging

@main
struct GantryHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gantry-hub",
        abstract: "Gantry's hub: applies every plant's events exactly once and governs what plants share.",
        version: GantryVersion.current,
        subcommands: [Serve.self, Plants.self, Tokens.self, Masters.self, Audit.self, BackupCommand.self, EventsCommand.self])
}

/// The configuration file option shared by every subcommand.
struct ConfigOption: ParsableArguments {
    @Option(help: "Configuration file (key = value lines). GANTRY_HUB_* variables override it.")
    var config: String?

    func load() throws -> HubConfiguration {
        try HubConfiguration.load(path: config, environment: ProcessInfo.processInfo.environment)
    }

    /// Runs `body` with the hub's administration over its store, which runs (PostgreSQL's connection pool) for
    /// as long as `body` does.
    func withAdministration<T>(_ body: (HubAdministration) async throws -> T) async throws -> T {
        let configuration = try load()
        // Errors only, and to standard error: standard output is the command's answer (JSON or CSV for a script).
        let logger = Logger(label: "gantry-hub") { LogOutput.handler(label: $0, format: configuration.log.format, level: .error) }
        return try await withHubStore(configuration, logger: logger) { store in
            try await body(HubAdministration(store: store, configuration: configuration, now: { Date() }))
        }
    }

    /// Runs `body` with the masters' rules over the hub's store, as `withAdministration`.
    func withMasters<T>(_ body: (MasterService) async throws -> T) async throws -> T {
        try await withAdministration { try await body(MasterService(store: $0.store, now: { Date() })) }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the hub's HTTP API until SIGTERM or SIGINT.")
    @OptionGroup var options: ConfigOption
    @Option(help: "Certificate chain (PEM) to serve HTTPS with; overrides tls.certificate.") var tlsCertificate: String?
    @Option(help: "Private key (PEM) of that certificate; overrides tls.key.") var tlsKey: String?
    @Option(help: "CA (PEM) that must sign every client's certificate (mutual TLS); overrides tls.client_ca.") var tlsClientCa: String?

    func run() async throws {
        var configuration = try options.load()
        try configuration.tls.override(certificate: tlsCertificate, key: tlsKey, clientCA: tlsClientCa)
        try await runHub(configuration: configuration)
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
        @Option(help: "Folder on the plant's server for the agent's store, printed as store.path = FOLDER/PLANT.sqlite (a relative folder is taken from the current one).")
        var storeDir: String = HubConfiguration.defaultAgentStoreDirectory
        @Option(help: "The company's ISO 4217 currency, e.g. EUR: creates its master record if it has none yet.") var currency: String?
        @Option(help: "The company's legal name for that record (default: its code).") var companyName: String?

        func run() async throws {
            let folder = URL(fileURLWithPath: storeDir, isDirectory: true).standardizedFileURL.path
            try await options.withAdministration { administration in
                print(try await administration.enrolPlant(
                    company: company, code: code, timeZone: timeZone, storeDirectory: folder,
                    newCompany: currency.map { HubAdministration.NewCompany(legalName: companyName, currency: $0) }))
                if try await !administration.hasCompanyMaster(company.uppercased()) {
                    FileHandle.standardError.write(Data((
                        "note: company \(company.uppercased()) has no master record yet, so its masters (items, suppliers, …) are "
                            + "refused until it has one: enrol with --currency (e.g. EUR) or create it with `gantry-hub masters apply`\n").utf8))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List enrolled plants.")
        @OptionGroup var options: ConfigOption

        @Option(help: "table (default), json or csv.") var format: ListOutput.Format = .table

        func run() async throws {
            let plants = try await options.withAdministration { try await $0.store.plants() }
            printList(ListOutput(
                columns: ["plant", "company", "code", "time_zone", "enrolled_at"],
                rows: plants.map { [$0.plantID, $0.company, $0.code, $0.timeZone, Timestamp.format($0.enrolledAt)] }), as: format)
        }
    }

    struct RotateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new token for a plant; the old one stops working at once.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Plant id, COMPANY-PLANT.") var plant: String

        func run() async throws {
            print(try await options.withAdministration { try await $0.rotatePlantToken(plantID: plant) })
        }
    }
}

struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the principals (people and systems) that use the hub's API, and their tokens.",
        subcommands: [Add.self, List.self, Revoke.self, Rotate.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a principal and print its token (shown only once).")
        @OptionGroup var options: ConfigOption
        @Option(help: "A unique name, e.g. the person or system using it.") var name: String
        @Option(help: "Role: \(Role.principalRoles.joined(separator: ", ")).")
        var role: String = Role.administrator.rawValue
        @Option(help: "user or service.") var kind: String = "service"
        @Option(help: "Companies the principal may see: * for all, or codes separated by commas (required: all companies are never implied).")
        var companies: String?
        @Option(help: "Days until the token expires (none: no expiry).") var expiresInDays: Int?

        func run() async throws {
            guard let role = Role(rawValue: role), role != .plantAgent else {
                throw CommandLineError.choice("--role", role, among: Role.principalRoles)
            }
            guard let kind = PrincipalRecord.Kind(rawValue: kind) else {
                throw CommandLineError.choice("--kind", kind, among: ["user", "service"])
            }
            if let days = expiresInDays, days < 1 { throw CommandLineError("--expires-in-days must be 1 or more, got \(days)") }
            guard let companies else {
                throw CommandLineError("--companies is required: '*' for every company, or company codes separated by commas")
            }
            let expiry = expiresInDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            print(try await options.withAdministration {
                try await $0.addPrincipal(name: name, kind: kind, role: role, companies: try CompanyScope(text: companies), expiresAt: expiry)
            })
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List principals: name, kind, role, companies, dates.")
        @OptionGroup var options: ConfigOption

        @Option(help: "table (default), json or csv.") var format: ListOutput.Format = .table

        func run() async throws {
            let principals = try await options.withAdministration { try await $0.store.principals() }
            printList(ListOutput(
                columns: ["name", "kind", "role", "companies", "created_at", "expires_at", "revoked_at"],
                rows: principals.map { principal in
                    [principal.name, principal.kind.rawValue, principal.role.rawValue, "\(principal.companies)",
                     Timestamp.format(principal.createdAt), principal.expiresAt.map(Timestamp.format), principal.revokedAt.map(Timestamp.format)]
                }), as: format)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a principal's token.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The principal's name.") var name: String

        func run() async throws {
            try await options.withAdministration { try await $0.revokePrincipal(name: name) }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a principal a new token (printed once); the old one stops working at once.")
        @OptionGroup var options: ConfigOption
        @Option(help: "The principal's name.") var name: String
        @Option(help: "Days until the new token expires (none: no expiry).") var expiresInDays: Int?

        func run() async throws {
            if let days = expiresInDays, days < 1 { throw CommandLineError("--expires-in-days must be 1 or more, got \(days)") }
            let expiry = expiresInDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            print(try await options.withAdministration { try await $0.rotatePrincipalToken(name: name, expiresAt: expiry) })
        }
    }
}

struct Masters: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read and change the global masters (acting as the local operator, with every right).",
        subcommands: [Import.self, Export.self, Apply.self, List.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a CSV file as one master version; any bad row refuses the whole file, naming every line.")
        @OptionGroup var options: ConfigOption
        @Option(help: "items, suppliers or supplier-items.") var kind: String
        @Argument(help: "The CSV file (see docs/masters.md for the columns).") var file: String

        func run() async throws {
            let masterKind = try csvKind(kind)
            let text = try LocalFiles.text(file, role: "the CSV file")
            let commit = try await options.withMasters { try await $0.importCSV(text, kind: masterKind, by: .local(), source: file) }
            print("version \(commit.version): \(commit.changed) changed, \(commit.unchanged) unchanged")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print items, suppliers or supplier items as CSV.")
        @OptionGroup var options: ConfigOption
        @Option(help: "items, suppliers or supplier-items.") var kind: String

        func run() async throws {
            let masterKind = try csvKind(kind)
            let records = try await options.withAdministration {
                try await $0.store.masters(kind: masterKind, key: nil, company: nil, scope: .all)
            }
            FileHandle.standardOutput.write(Data(MasterCSV.write(records, kind: masterKind).utf8))
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a JSON change set ({\"records\": [{\"kind\", \"company\", \"key\", \"data\"}, …]}) as one version.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The JSON file.") var file: String

        func run() async throws {
            let data = try LocalFiles.data(file, role: "the change set")
            let drafts = try MasterChangeSet.read(data)
            let summary = drafts.summary ?? "change set from \(file)"
            let commit = try await options.withMasters { try await $0.commit(drafts.records, by: .local(), summary: summary) }
            print("version \(commit.version): \(commit.changed) changed, \(commit.unchanged) unchanged")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List current master records: kind, company, key, version, active.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Only this kind.") var kind: String?
        @Option(help: "table (default), json or csv.") var format: ListOutput.Format = .table

        func run() async throws {
            let masterKind = try kind.map { name in
                guard let kind = MasterKind(rawValue: name) else {
                    throw CommandLineError.choice("--kind", name, among: MasterKind.allCases.map(\.rawValue))
                }
                return kind
            }
            let records = try await options.withAdministration {
                try await $0.store.masters(kind: masterKind, key: nil, company: nil, scope: .all)
            }
            printList(ListOutput(
                columns: ["kind", "company", "key", "version", "active"],
                rows: records.map { [$0.kind.rawValue, $0.company ?? "*", $0.key, "\($0.version)", $0.active ? "true" : "false"] }),
                  as: format)
        }
    }
}

extension ListOutput.Format: ExpressibleByArgument {}

/// Prints `list` in `format` (a table with headers, JSON or RFC 4180 CSV).
func printList(_ list: ListOutput, as format: ListOutput.Format) {
    FileHandle.standardOutput.write(Data(list.text(format).utf8))
}

/// The master kind a CSV `--kind` names (items, suppliers, supplier-items).
func csvKind(_ name: String) throws -> MasterKind {
    guard let kind = MasterCSV.kinds[name] else {
        throw CommandLineError.choice("--kind", name, among: MasterCSV.kinds.keys.sorted())
    }
    return kind
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The audit trail of masters, principals and plants.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit trail's hash chain; exits 1 and names the first broken link if it does not hold.")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let result = try await options.withAdministration { try await $0.verifyAudit() }
            if let broken = result.broken {
                print("audit trail BROKEN after \(result.checked) intact entries: \(broken)")
                throw ExitCode(1)
            }
            print("audit trail intact: \(result.checked) entries; head \(result.head ?? AuditEntry.genesisHash)")
        }
    }
}
