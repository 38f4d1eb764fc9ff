import ArgumentParser
import Foundation
import GantryAgent
import GantryCore

/// `gantry-agent reorder …`: the buyer's reorder rules, their proposals and runs through the local API.
struct ReorderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reorder", abstract: "Define reorder rules and place the orders they propose at the local agent.",
        subcommands: [Rules.self, SetRule.self, Delete.self, Proposals.self, Run.self])

    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every reorder rule (a table, JSON or CSV).")
        @OptionGroup var options: WorkOrdersCommand.Agent
        @OptionGroup var output: ListFormatOption
        func run() async throws {
            try output.write(try await options.client.send("GET", "/v1/reorder/rules"), preferred: ["item", "minimum", "maximum", "multiple"])
        }
    }

    struct SetRule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Set an item's rule: order up to --max when the position falls to --min.")
        @OptionGroup var options: WorkOrdersCommand.Agent
        @Option(help: "Item the rule is for.") var item: String
        @Option(help: "Order when the projected position is at or below this.") var min: String
        @Option(help: "Order up to this.") var max: String
        @Option(help: "Order whole multiples of this (default 1).") var multiple: String?
        @Option(help: "Unit of --min, --max and --multiple when not the item's base unit.") var uom: String?
        @Option(help: "Always order from this supplier (default: the primary approved one).") var supplier: String?
        @Option(help: "Lead time in calendar days (default: the supplier item's).") var leadTimeDays: Int?

        func run() async throws {
            var body: [String: JSONValue] = ["minimum": .string(min), "maximum": .string(max)]
            if let multiple { body["multiple"] = .string(multiple) }
            if let uom { body["uom"] = .string(uom) }
            if let supplier { body["supplier"] = .string(supplier) }
            if let leadTimeDays { body["leadTimeDays"] = .number(Double(leadTimeDays)) }
            print(try await options.client.send("PUT", "/v1/reorder/rules/\(item)", body: .object(body)))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an item's rule.")
        @OptionGroup var options: WorkOrdersCommand.Agent
        @Option(help: "Item whose rule goes.") var item: String
        func run() async throws { print(try await options.client.send("DELETE", "/v1/reorder/rules/\(item)")) }
    }

    struct Proposals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The orders the rules propose now, with their arithmetic, and rules no supplier serves.")
        @OptionGroup var options: WorkOrdersCommand.Agent
        func run() async throws { print(try await options.client.send("GET", "/v1/reorder/proposals")) }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Place the proposed orders; running again places nothing new.")
        @OptionGroup var options: WorkOrdersCommand.Agent
        func run() async throws { print(try await options.client.send("POST", "/v1/reorder/run")) }
    }
}
