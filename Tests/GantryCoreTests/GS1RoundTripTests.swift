import Foundation
@testable import GantryCore
import Testing

/// Properties over generated labels: whatever valid elements are written as an element string (with GS or a
/// substitute), in bracketed form or as a Digital Link, they read back the same; no input makes the parser trap.
@Suite struct GS1RoundTripTests {
    let parser = GS1Parser(referenceYear: 2026, separators: ["|"])

    static func gtin(_ random: inout SplitMix64) -> String {
        let body = (0..<13).map { _ in UInt8(48 + random.next() % 10) }
        return String(decoding: body, as: UTF8.self) + String(GS1Linters.expectedCheckDigit(body[...])!)
    }

    static func text(_ random: inout SplitMix64, length: ClosedRange<Int>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!\"%&'()*+,-./:;<=>?_")
        let count = length.lowerBound + Int(random.next() % UInt64(length.count))
        return String((0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    /// YYMMDD; day 00 (the month's last day) only where the AI allows it.
    static func date(_ random: inout SplitMix64, zeroDay: Bool = true) -> String {
        let day = zeroDay ? Int(random.next() % 29) : 1 + Int(random.next() % 28)
        return String(format: "%02d%02d%02d", Int(random.next() % 100), 1 + Int(random.next() % 12), day)
    }

    /// A valid label: a GTIN plus a random selection of attributes in random order.
    static func label(_ random: inout SplitMix64) -> [GS1Element] {
        var attributes: [GS1Element] = [
            GS1Element(ai: "10", value: text(&random, length: 1...20)),
            GS1Element(ai: "21", value: text(&random, length: 1...20)),
            GS1Element(ai: "17", value: date(&random)),
            GS1Element(ai: "11", value: date(&random)),
            GS1Element(ai: "310\(random.next() % 6)", value: String(format: "%06d", Int(random.next() % 1_000_000))),
            GS1Element(ai: "30", value: String(1 + random.next() % 99_999_999)),
            GS1Element(ai: "400", value: text(&random, length: 1...30)),
            GS1Element(ai: "7003", value: date(&random, zeroDay: false) + "2359"),
        ].filter { _ in random.next() % 2 == 0 }
        attributes.shuffle(using: &random)
        return [GS1Element(ai: "01", value: gtin(&random))] + attributes
    }

    func elementString(_ elements: [GS1Element], separator: String) -> String {
        var text = "]C1"
        for (index, element) in elements.enumerated() {
            text += element.ai + element.value
            let predefined = GS1Syntax.definitions[element.ai]?.predefinedLength ?? false
            if !predefined, index < elements.count - 1 { text += separator }
        }
        return text
    }

    @Test(arguments: 0..<300)
    func labelsReadBackInEveryForm(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        let elements = Self.label(&random)
        #expect(try parser.parse(elementString(elements, separator: "\u{1D}")).elements == elements)
        #expect(try parser.parse(elementString(elements, separator: "|")).elements == elements)
        let bracketed = elements.map { "(\($0.ai))" + $0.value.replacingOccurrences(of: "(", with: "\\(") }.joined()
        #expect(try parser.parse(bracketed).elements == elements)
        var link = "https://id.example.com/01/\(elements[0].value)"
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let attributes = elements.dropFirst()
        let qualifiers = ["10", "21"].compactMap { ai in attributes.first { $0.ai == ai } }
        for qualifier in qualifiers { link += "/\(qualifier.ai)/" + qualifier.value.addingPercentEncoding(withAllowedCharacters: allowed)! }
        let query = attributes.filter { !["10", "21"].contains($0.ai) }
        if !query.isEmpty {
            link += "?" + query.map { "\($0.ai)=" + $0.value.addingPercentEncoding(withAllowedCharacters: allowed)! }.joined(separator: "&")
        }
        #expect(try parser.parse(link).elements == [elements[0]] + qualifiers + query)
    }

    @Test func mutatedScansNeverTrap() {
        var random = SplitMix64(seed: 99)
        let seeds = ["]C101095060001343521720122510ABC123", "(01)09506000134352(10)AB\\(C)",
                     "https://id.gs1.org/01/09506000134352/10/A?17=251231", "9506000134352", "0109506000134352|10X|3103001250"]
        var parsed = 0
        for _ in 0..<20_000 {
            var bytes = Array(seeds[Int(random.next() % UInt64(seeds.count))].utf8)
            for _ in 0...(random.next() % 4) {
                let position = Int(random.next() % UInt64(bytes.count + 1))
                switch random.next() % 3 {
                case 0 where position < bytes.count: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
                default: if position < bytes.count { bytes.remove(at: position) }
                }
            }
            if (try? parser.parse(String(decoding: bytes, as: UTF8.self))) != nil { parsed += 1 }
        }
        #expect(parsed > 0, "some mutations stay valid, so the check exercised the success path too")
    }
}
