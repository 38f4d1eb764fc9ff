import Foundation
import GantryCore
import Testing

/// Exports are opened in spreadsheets: a cell a spreadsheet would run as a formula is written so it is not one,
/// and an import of the export gives back the same records (docs/masters.md).
@Suite struct CSVExportTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'quoted", "''quoted"),
        ("-", "'-"),
        ("-5.", "'-5."),
        ("-.5", "'-.5"),
        ("-1.2.3", "'-1.2.3"),
        // Data a spreadsheet reads as data stays as it is.
        ("-5", "-5"),
        ("-1.25", "-1.25"),
        ("Bolt = M8", "Bolt = M8"),
        ("BOX=12", "BOX=12"),
        ("", ""),
    ])
    func cellsThatWouldRunAsFormulasAreEscaped(cell: String, written: String) {
        #expect(CSV.spreadsheetSafe(cell) == written)
        #expect(CSV.spreadsheetText(written) == cell, "an import takes the escape off again")
    }

    @Test func aCellStartingWithAQuoteThatNeedsNoEscapeReadsAsWritten() {
        #expect(CSV.spreadsheetText("'abc") == "'abc")
        #expect(CSV.spreadsheetText("'-5") == "'-5")
    }

    @Test func anExportedItemFileEscapesFormulasAndImportsBackUnchanged() throws {
        let record = MasterRecord(
            kind: .item, company: "ACME", key: "BOLT", active: true, plants: [],
            data: .object([
                "description": .string("=1+2"), "uom": .string("EA"), "tracking": .string("none"), "category": .string("@cat"),
            ]),
            version: 1, updatedAt: Date(), updatedBy: "t")
        let text = MasterCSV.write([record], kind: .item)
        let line = try #require(text.split(separator: "\r\n").dropFirst().first)
        #expect(line.hasPrefix("BOLT,ACME,true,,'=1+2,EA,none,'@cat,"), "\(line)")
        let again = try MasterCSV.read(text, kind: .item).get()
        #expect(again.first?.master.draft.data == record.data)
    }

    @Test func aSupplierItemPriceBelowZeroIsWrittenAsANumber() {
        let record = MasterRecord(
            kind: .supplierItem, company: "ACME", key: "S1/BOLT", active: true, plants: [],
            data: .object([
                "supplier": .string("S1"), "item": .string("BOLT"), "leadTimeDays": .number(-3),
                "price": .object(["amount": .string("-1.25"), "currency": .string("EUR")]),
            ]),
            version: 1, updatedAt: Date(), updatedBy: "t")
        let text = MasterCSV.write([record], kind: .supplierItem)
        #expect(text.contains(",-3,") && text.contains(",-1.25,EUR,"), "\(text)")
    }
}
