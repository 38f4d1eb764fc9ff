import ArgumentParser
import Foundation
import GantryCore

struct GS1Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gs1", abstract: "Work with GS1 barcode data.", subcommands: [Decode.self])

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode scanned GS1 data and print it as JSON; exits 1 on invalid data.",
            discussion: """
                DATA is what the scanner sent: element strings with or without a symbology identifier (]C1, ]d2, \
                ]Q3, ]e0, ]E0), a plain EAN/UPC/ITF-14 number, the bracketed form (01)…(10)…, or a GS1 Digital \
                Link URI. A GS separator is the character 0x1D (in bash: $'\\x1d') or a substitute given with \
                --separator. DATA "-" reads one scan from standard input.
                """)

        @Argument(help: "The scanned data, or - for standard input.") var data: String
        @Option(name: .customLong("separator"), help: "Text the scanner sends instead of GS, e.g. Alt029 or '|' (repeatable).")
        var separators: [String] = []

        func run() throws {
            let raw = data == "-" ? (readLine(strippingNewline: true) ?? "") : data
            let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).year!
            let (json, valid) = GS1Parser(referenceYear: year, separators: separators).decodeJSON(raw)
            print(json)
            if !valid { throw ExitCode(1) }
        }
    }
}
