import Foundation
@testable import GantryCore
import Testing

/// Examples follow the GS1 General Specifications and the GS1 Barcode Syntax Dictionary: the demonstration
/// GTIN 09506000134352, SSCC 106141411234567897, GLN 5412345000013.
@Suite struct GS1ParserTests {
    let parser = GS1Parser(referenceYear: 2026, separators: ["Alt029", "|"])
    let gs = "\u{1D}"

    func elements(_ raw: String) throws -> [String] {
        try parser.parse(raw).elements.map { "(\($0.ai))\($0.value)" }
    }

    @Test(arguments: [
        // Predefined-length AIs need no separator; a variable one ends at GS or at the end.
        ("]C101095060001343521720122510ABC123", ["(01)09506000134352", "(17)201225", "(10)ABC123"]),
        ("0109506000134352\u{1D}10ABC123\u{1D}21XYZ", ["(01)09506000134352", "(10)ABC123", "(21)XYZ"]),
        ("]d2\u{1D}0109506000134352\u{1D}10ABC123", ["(01)09506000134352", "(10)ABC123"]),
        ("]Q30109506000134352Alt02910ABC123Alt02921XYZ", ["(01)09506000134352", "(10)ABC123", "(21)XYZ"]),
        ("]e00109506000134352|10ABC123|21XYZ\r\n", ["(01)09506000134352", "(10)ABC123", "(21)XYZ"]),
        ("]C1001061414112345678974000PO-4711", ["(00)106141411234567897", "(400)0PO-4711"]),
        ("]C10109506000134352\u{1D}3103001250", ["(01)09506000134352", "(3103)001250"]),
        ("]C1414541234500001325412345", ["(414)5412345000013", "(254)12345"]),
        ("(01)09506000134352(10)AB\\(C)(21)1", ["(01)09506000134352", "(10)AB(C)", "(21)1"]),
        ("9506000134352", ["(01)09506000134352"]),
        ("036000291452", ["(01)00036000291452"]),
        ("96385074", ["(01)00000096385074"]),
        ("]E09506000134352", ["(01)09506000134352"]),
        ("]I100614141123452", ["(01)00614141123452"]),
        ("https://id.gs1.org/01/09506000134352/10/ABC%2F1/21/XYZ?17=251231&linkType=all",
         ["(01)09506000134352", "(10)ABC/1", "(21)XYZ", "(17)251231"]),
        ("https://brand.example.com/shop/products/01/9506000134352?3103=000750",
         ["(01)09506000134352", "(3103)000750"]),
        ("]Q1https://id.gs1.org/00/106141411234567897", ["(00)106141411234567897"]),
    ] as [(String, [String])])
    func decodes(raw: String, expected: [String]) throws {
        #expect(try elements(raw) == expected)
    }

    @Test func readsTheFactsPlantsUse() throws {
        let message = try parser.parse("]C10109506000134352\u{1D}3103001250\u{1D}17260200\u{1D}10LOT-7\u{1D}21SN1\u{1D}3012\u{1D}11260115")
        #expect(message.gtin == "09506000134352" && message.batch == "LOT-7" && message.serial == "SN1")
        #expect(message.expiry?.iso == "2026-02-28", "DD=00 is the month's last day")
        #expect(message.productionDate?.iso == "2026-01-15")
        #expect(message.quantity == "12")
        #expect(message.measures == [GS1Measure(ai: "3103", value: "1.250", unit: "kg")])
        #expect(message.symbology == "]C1")
    }

    @Test(arguments: [("3100", "000750", "750", "kg"), ("3102", "000750", "7.50", "kg"), ("3105", "000750", "0.00750", "kg"),
                      ("3203", "012500", "12.500", "lb"), ("3151", "000015", "1.5", "l"), ("3570", "000016", "16", "oz")])
    func measuresApplyTheirDecimalPoint(ai: String, value: String, expected: String, unit: String) throws {
        let message = try parser.parse("0109506000134352\(ai)\(value)")
        #expect(message.measures == [GS1Measure(ai: ai, value: expected, unit: unit)])
    }

    @Test(arguments: [
        (2026, "760101", "2076-01-01"), (2026, "770101", "1977-01-01"), (2026, "000101", "2000-01-01"),
        (2060, "100101", "2110-01-01"), (2060, "110101", "2011-01-01"), (1999, "490101", "2049-01-01"),
        (2024, "240200", "2024-02-29"), (2026, "250200", "2025-02-28"), (2026, "261100", "2026-11-30"),
    ])
    func datesFollowTheGS1CenturyRule(year: Int, yymmdd: String, expected: String) throws {
        let message = try GS1Parser(referenceYear: year).parse("0109506000134352" + "17" + yymmdd)
        #expect(message.expiry?.iso == expected)
    }

    @Test(arguments: [
        ("]C10109506000134353", "01", 19, "check digit is 3, expected 2"),
        ("0109506000134352171313011", "17", 19, "month 13 is not 01–12"),
        ("01095060001343521726023010A", "17", 19, "day 30 does not exist in 2026-02"),
        ("0109506000134352\u{1D}10AB#C", "10", 22, "\"#\" is not allowed here"),
        ("01095060001343", "01", 1, "expected 14 characters, found 12"),
        ("0109506000134352101234567890123456789012345", "10", 17, "a separator (GS) is missing"),
        ("0109506000134352\u{1D}3012A4", "30", 22, "\"A\" is not allowed"),
        ("0109506000134352\u{1D}11251301", "11", 20, "month 13"),
        ("4145412345000014", "414", 16, "check digit is 4, expected 3"),
        ("0009506000134352", "00", 1, "expected 18 characters"),
    ] as [(String, String, Int, String)])
    func refusesInvalidDataSayingWhereAndWhat(raw: String, ai: String, position: Int, reason: String) {
        #expect {
            try parser.parse(raw)
        } throws: { error in
            guard let error = error as? GS1Error else { return false }
            return error.ai == ai && error.position == position && error.reason.contains(reason)
        }
    }

    @Test(arguments: [
        ("10ABC123", "needs one of (01), (02), (8006), (8026)"),
        ("0109506000134352\u{1D}0209506000134352\u{1D}3712", "cannot appear together with"),
        ("01095060001343523102000100\u{1D}3103000100", "cannot appear together with (3103)"),
        ("0109506000134352\u{1D}10A\u{1D}10B", "appears twice with different values"),
        ("2399ABC", "does not begin a GS1 Application Identifier"),
        ("]C0ABC", "not GS1 data"),
        ("]X1ABC", "unknown symbology identifier"),
        ("", "empty"),
        ("]C1", "no GS1 data"),
        ("9506000134353", "check digit"),
        ("https://id.gs1.org/10/ABC", "no GS1 primary key"),
        ("https://id.gs1.org/01/09506000134352/21/1/10/A", "no GS1 primary key"),
        ("https://id.gs1.org/01/09506000134353", "check digit"),
        ("(01)09506000134352(10)", "0 characters where 1 to 20 are expected"),
        ("(1)2", "expected (AI) with 2 to 4 digits"),
    ])
    func refusesWhatItCannotReadUnambiguously(raw: String, reason: String) {
        #expect {
            try parser.parse(raw)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func unassignedAIsOfPredefinedLengthStillSplit() throws {
        // 3376 is not assigned, but every 33nn AI carries exactly six digits.
        #expect(try elements("01095060001343523376000123\u{1D}10A") == ["(01)09506000134352", "(3376)000123", "(10)A"])
    }

    @Test func fourteenDigitsAreAnITF14GTINOrElementStringsButNeverAGuess() throws {
        #expect(try elements("00614141123452") == ["(01)00614141123452"], "only the GTIN reading is valid")
        #expect(try elements("90123456789012") == ["(90)123456789012"], "only the element-string reading is valid")
        #expect(throws: GS1Error.self, "both readings are valid: refuse") { try parser.parse("90123456789015") }
    }

    @Test func decodeJSONHasTheDocumentedShape() throws {
        let (json, valid) = parser.decodeJSON("]C10109506000134352\u{1D}3103001250\u{1D}1726123110LOT")
        #expect(valid)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["gtin"] as? String == "09506000134352" && object["batch"] as? String == "LOT")
        #expect(object["expiry"] as? String == "2026-12-31")
        #expect((object["measures"] as? [[String: String]]) == [["ai": "3103", "value": "1.250", "unit": "kg"]])
        #expect((object["elements"] as? [[String: String]])?.first == ["ai": "01", "value": "09506000134352"])
        #expect(object["serial"] == nil && object["quantity"] == nil, "keys only when the data has them")
        let (error, ok) = parser.decodeJSON("0109506000134353")
        #expect(!ok)
        let failure = try #require(try JSONSerialization.jsonObject(with: Data(error.utf8)) as? [String: Any])
        #expect((failure["error"] as? String)?.contains("check digit") == true && failure["ai"] as? String == "01")
    }

    @Test func everyDictionaryEntryIsUsable() {
        let definitions = GS1Syntax.definitions
        #expect(definitions.count > 500, "ranges are expanded")
        for (ai, definition) in definitions {
            #expect((2...4).contains(ai.count) && ai.allSatisfy(\.isNumber))
            #expect(!definition.components.isEmpty && definition.lengths.upperBound <= 90)
            if let predefined = GS1Syntax.predefinedPrefixes[String(ai.prefix(2))] {
                #expect(definition.lengths == predefined.dataLength...predefined.dataLength, "\(ai)")
                #expect(definition.predefinedLength, "\(ai) is of predefined length by its first two digits")
            }
        }
        // No AI is the prefix of another, so reading the longest match is never needed.
        for ai in definitions.keys {
            for length in 2..<ai.count { #expect(definitions[String(ai.prefix(length))] == nil, "\(ai)") }
        }
    }
}
