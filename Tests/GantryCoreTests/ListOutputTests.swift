import Foundation
import GantryCore
import Testing

/// The lists the command lines print: a table for people, JSON and RFC 4180 CSV for scripts.
@Suite struct ListOutputTests {
    static let list = ListOutput(
        columns: ["plant", "time_zone", "note"],
        rows: [["ACME-BER", "Europe/Berlin", "north, main gate"], ["ACME-LYON-2", "Europe/Paris", nil], ["X", "UTC", "say \"hi\"\nbye"]])

    @Test func theTableHasHeadersAndAlignedColumns() {
        #expect(Self.list.table() == """
            PLANT        TIME ZONE      NOTE
            ACME-BER     Europe/Berlin  north, main gate
            ACME-LYON-2  Europe/Paris   -
            X            UTC            say "hi" bye

            """)
    }

    @Test func csvQuotesCommasQuotesAndLineBreaksAndEndsLinesWithCRLF() {
        #expect(Self.list.csv() == "plant,time_zone,note\r\nACME-BER,Europe/Berlin,\"north, main gate\"\r\nACME-LYON-2,Europe/Paris,\r\n"
            + "X,UTC,\"say \"\"hi\"\"\nbye\"\r\n")
    }

    @Test func jsonIsAnArrayOfObjectsWithNullForMissingCells() throws {
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(Self.list.json().utf8)) as? [[String: Any]])
        #expect(parsed.count == 3)
        #expect(parsed[0]["plant"] as? String == "ACME-BER" && parsed[0]["note"] as? String == "north, main gate")
        #expect(parsed[1]["note"] is NSNull)
        #expect(parsed[2]["note"] as? String == "say \"hi\"\nbye")
    }

    @Test func anEmptyListStillHasItsHeaders() {
        let empty = ListOutput(columns: ["name", "role"], rows: [])
        #expect(empty.table() == "NAME  ROLE\n")
        #expect(empty.csv() == "name,role\r\n")
        #expect(empty.json() == "[]\n")
    }

    @Test(arguments: ListOutput.Format.allCases)
    func everyFormatEndsInANewline(_ format: ListOutput.Format) {
        #expect(Self.list.text(format).unicodeScalars.last == "\n")
    }
}

@Suite struct ListOutputFromJSONTests {
    @Test func theFirstArrayOfAnAnswerBecomesRowsWithPreferredColumnsFirst() throws {
        let document = try JSONValue.parse(#"""
            {"count": 2, "rules": [{"item": "BOLT", "maximum": "40", "active": true, "limits": {"a": 1}},
                                   {"item": "NUT", "minimum": 5, "active": null}]}
            """#)
        let list = try #require(ListOutput(document: document, preferred: ["item", "missing"]))
        #expect(list.columns == ["item", "active", "limits", "maximum", "minimum"])
        #expect(list.rows == [["BOLT", "true", #"{"a":1}"#, "40", nil], ["NUT", nil, nil, nil, "5"]])
    }

    @Test func aDocumentWithoutAnArrayOfObjectsIsNoList() throws {
        #expect(ListOutput(document: try JSONValue.parse(#"{"count": 2}"#)) == nil)
        #expect(ListOutput(document: try JSONValue.parse(#"[1, 2]"#)) == nil)
        #expect(ListOutput(document: try JSONValue.parse(#"{"rules": []}"#), preferred: ["item"]) == ListOutput(columns: ["item"], rows: []))
    }
}
