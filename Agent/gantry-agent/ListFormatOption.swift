import ArgumentParser
import Foundation
import GantryCore

extension ListOutput.Format: ExpressibleByArgument {}

/// `--format` of the agent's list commands: a table with headers by default, the local API's JSON answer as it
/// is, or RFC 4180 CSV of its rows.
struct ListFormatOption: ParsableArguments {
    @Option(help: "table (default), json (the agent's answer as it is) or csv.") var format: ListOutput.Format = .table

    /// Prints `answer` (a JSON document from the local API) in the chosen format; columns named in `preferred` come
    /// first. An answer that holds no list of objects is printed as it is.
    func write(_ answer: String, preferred: [String]) throws {
        guard format != .json, let list = ListOutput(document: try JSONValue.parse(answer), preferred: preferred) else {
            print(answer)
            return
        }
        FileHandle.standardOutput.write(Data(list.text(format).utf8))
    }
}
