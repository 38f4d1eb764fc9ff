import ArgumentParser
import Foundation
import GantryAgent
import GantryCore

/// `gantry-agent work-orders …`: the planner's work order tasks through the local API.
struct WorkOrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work-orders", abstract: "Create, release, complete and check work orders at the local agent.",
        subcommands: [List.self, Create.self, Release.self, Complete.self, Readiness.self])

    struct Agent: ParsableArguments {
        @Option(help: "The agent's local API.") var agent: String = "http://127.0.0.1:8080"
        var client: LocalAPIClient { LocalAPIClient(agentURL: agent) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every work order (a table, JSON or CSV).")
        @OptionGroup var options: Agent
        @OptionGroup var output: ListFormatOption
        func run() async throws {
            try output.write(try await options.client.send("GET", "/v1/work-orders"), preferred: ["workOrder", "item", "quantity", "status"])
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create and schedule a work order.")
        @OptionGroup var options: Agent
        @Option(help: "Work order id.") var id: String
        @Option(help: "Item to make.") var item: String
        @Option(help: "Quantity in the item's base unit.") var quantity: String
        @Option(help: "Where components come from.") var source: String
        @Option(help: "Where output goes.") var output: String

        func run() async throws {
            print(try await options.client.send("POST", "/v1/work-orders", body: .object([
                "workOrder": .string(id), "item": .string(item), "quantity": .string(quantity),
                "sourceLocation": .string(source), "outputLocation": .string(output),
            ])))
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release a work order: reserves every component, or is refused with the shortages.")
        @OptionGroup var options: Agent
        @Option(help: "Work order id.") var id: String
        @Option(help: "Release short anyway, for this reason (as the plant user whose --token is given).") var overrideReason: String?
        @Option(help: "Your plant user token for an override (default: $GANTRY_USER_TOKEN).") var token: String?

        func run() async throws {
            var body: [String: JSONValue] = [:]
            var client = options.client
            if let overrideReason {
                body["override"] = .object(["reason": .string(overrideReason)])
                client = LocalAPIClient(agentURL: options.agent, token: token ?? ProcessInfo.processInfo.environment["GANTRY_USER_TOKEN"])
            }
            print(try await client.send("POST", "/v1/work-orders/\(id)/release", body: .object(body)))
        }
    }

    struct Complete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Complete a work order whose operations are finished.")
        @OptionGroup var options: Agent
        @Option(help: "Work order id.") var id: String
        func run() async throws { print(try await options.client.send("POST", "/v1/work-orders/\(id)/complete")) }
    }

    struct Readiness: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Material readiness and delays of open work orders (or one).")
        @OptionGroup var options: Agent
        @Option(help: "Only this work order.") var id: String?
        func run() async throws {
            print(try await options.client.send("GET", id.map { "/v1/work-orders/\($0)/readiness" } ?? "/v1/readiness"))
        }
    }
}
