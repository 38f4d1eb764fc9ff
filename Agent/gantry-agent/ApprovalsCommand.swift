import ArgumentParser
import Foundation
import GantryAgent
import GantryCore

/// `gantry-agent approvals …`: ask for and decide approvals at the local agent, as a plant user.
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "Ask for, list and decide approvals at the local agent.",
        subcommands: [List.self, Request.self, Decide.self])

    struct Agent: ParsableArguments {
        @Option(help: "The agent's local API.") var agent: String = "http://127.0.0.1:8080"
        @Option(help: "Your plant user token (default: $GANTRY_USER_TOKEN).") var token: String?
        var client: LocalAPIClient {
            LocalAPIClient(agentURL: agent, token: token ?? ProcessInfo.processInfo.environment["GANTRY_USER_TOKEN"])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print requests for approval (a table, JSON or CSV).")
        @OptionGroup var options: Agent
        @OptionGroup var output: ListFormatOption
        @Option(help: "pending, approved or rejected.") var state: String?
        func run() async throws {
            let states = ["pending", "approved", "rejected"]
            if let state, !states.contains(state) { throw CommandLineError.choice("--state", state, among: states) }
            try output.write(
                try await options.client.send("GET", "/v1/approvals" + (state.map { "?state=\($0)" } ?? "")),
                preferred: ["id", "subject", "state", "amount", "requestedBy"])
        }
    }

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask for approval of an expedite, exceptional buy or purchase order.")
        @OptionGroup var options: Agent
        @Option(help: "expedite, exceptional-buy or purchase-order.") var subject: String
        @Option(help: "Purchase order.") var order: String
        @Option(help: "Purchase order line (required for an expedite).") var line: Int?
        @Option(help: "Amount at stake in the policy's currency, e.g. 1250.00.") var amount: String
        @Option(help: "Why.") var reason: String
        @Option(help: "For an expedite: wanted by, YYYY-MM-DD.") var neededBy: String?

        func run() async throws {
            guard let subject = ApprovalSubject(rawValue: subject) else {
                throw CommandLineError.choice("--subject", subject, among: ApprovalSubject.allCases.map(\.rawValue))
            }
            let draft = ApprovalDraft(subject: subject, purchaseOrder: order, line: line, amount: amount, reason: reason, neededBy: neededBy)
            print(try await options.client.send("POST", "/v1/approvals", body: try JSONValue.encoding(draft)))
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve or reject a request within the plant's limit.")
        @OptionGroup var options: Agent
        @Argument(help: "Approval id, e.g. APR-3.") var id: String
        @Option(help: "approved or rejected.") var verdict: String
        @Option(help: "A comment for the record.") var comment: String?

        func run() async throws {
            let verdicts = ["approved", "rejected"]
            guard verdicts.contains(verdict) else { throw CommandLineError.choice("--verdict", verdict, among: verdicts) }
            var body: [String: JSONValue] = ["verdict": .string(verdict)]
            if let comment { body["comment"] = .string(comment) }
            print(try await options.client.send("POST", "/v1/approvals/\(id)/decision", body: .object(body)))
        }
    }
}

/// `gantry-agent users add`: enrols a plant user in the users file and shows the token once.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage the plant users who ask for and decide approvals.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user to the users file (users.file) and print their token; only its hash is stored.")
        @Argument(help: "User name, as approvals will record it.") var name: String
        @Option(help: "Role: \(Role.principalRoles.joined(separator: ", ")).") var role: String
        @Option(help: "The users file (created if missing).") var file: String

        func run() throws {
            guard let role = Role(rawValue: role), role != .plantAgent else {
                throw CommandLineError.choice("--role", role, among: Role.principalRoles)
            }
            let existing = FileManager.default.fileExists(atPath: file) ? try LocalFiles.text(file, role: "the users file") : ""
            if try PlantUsers.read(existing).contains(where: { $0.user.name == name }) {
                throw CommandLineError("\(name) is in \(file) already; remove the line to replace the token")
            }
            let (token, line) = try PlantUsers.enrol(name: name, role: role)
            let text = existing + (existing.isEmpty || existing.last?.isNewline == true ? "" : "\n") + line + "\n"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            print(token)
        }
    }
}
