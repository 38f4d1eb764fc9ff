import Foundation
import GantryCore
import Testing

@Suite struct MasterCSVTests {
    @Test func rowsFollowRFC4180AndRememberTheirLines() throws {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n"
        let rows = try CSV.rows(text)
        #expect(rows.map(\.line) == [1, 2, 5])
        #expect(rows[1].fields == ["x, y", "say \"hi\"", "two\nlines"])
        #expect(rows[2].fields == ["last", "", ""])
        #expect(throws: CSV.Malformed.self) { try CSV.rows("a,\"open\n") }
        #expect(throws: CSV.Malformed.self) { try CSV.rows("a,b\"c\n") }
    }

    @Test func writtenLinesReadBack() throws {
        let fields = ["plain", "with, comma", "with \"quote\"", "line\nbreak", " padded "]
        #expect(try CSV.rows(CSV.line(fields)).first?.fields == fields)
    }

    @Test func itemsRoundTripThroughCSV() throws {
        let text = """
            key,company,active,plants,description,uom,tracking,category,gtins,conversions,standard_cost,currency,shelf_life_days
            BOLT,ACME,true,ACME-BER,"Bolt, M8",EA,lot,fasteners,09506000134352,BOX=100 PAL=4800,0.12,EUR,365
            NUT,,false,,Nut,EA,none,,,,,,

            """
        let rows = try MasterCSV.read(text, kind: .item).get()
        #expect(rows.map(\.line) == [2, 3])
        let records = rows.map { row in
            MasterRecord(
                kind: .item, company: row.master.draft.company, key: row.master.draft.key, active: row.master.draft.active,
                plants: row.master.draft.plants, data: row.master.draft.data, version: 1, updatedAt: Date(), updatedBy: "t")
        }
        let again = try MasterCSV.read(MasterCSV.write(records, kind: .item), kind: .item).get()
        #expect(again.map(\.master.draft) == rows.map(\.master.draft))
        #expect(records[1].active == false && records[1].company == nil)
    }

    @Test func aFileWithBadRowsIsRefusedWholeNamingEveryLine() throws {
        let text = """
            key,description,uom,tracking,gtins,standard_cost,currency
            GOOD,Good,EA,lot,,1.00,EUR
            BAD1,Bad,EA,bulk,,,
            BAD2,Bad,EA,lot,09506000134353,,
            GOOD,Again,EA,lot,,,
            SHORT,Short
            BAD3,Bad,EA,lot,,abc,EUR
            """
        guard case .failure(let refused) = MasterCSV.read(text, kind: .item) else {
            Issue.record("a file with bad rows was accepted")
            return
        }
        #expect(refused.problems.map(\.line) == [3, 4, 5, 6, 7])
        #expect(refused.problems[0].column == "tracking")
        #expect(refused.problems[1].column == "gtins")
        #expect(refused.problems[2].detail.contains("line 2"))
        #expect(refused.problems[4].column == "standard_cost")
    }

    @Test func aFileWithSomeColumnsChangesOnlyThoseFields() throws {
        let stored = MasterRecord(
            kind: .item, company: "ACME", key: "BOLT", active: false, plants: ["ACME-BER"],
            data: try JSONValue.parse(#"{"description":"Bolt","uom":"EA","tracking":"lot","gtins":["09506000134352"],"category":"fasteners"}"#),
            version: 4, updatedAt: Date(), updatedBy: "t")
        let rows = try MasterCSV.read("key,company,standard_cost,currency,category\nBOLT,acme,0.13,EUR,\n", kind: .item,
                                      existing: [stored.identity: stored]).get()
        let draft = try #require(rows.first?.master.draft)
        #expect(draft.active == false && draft.plants == ["ACME-BER"])
        #expect(draft.expectedVersion == 4, "a change made meanwhile makes the commit refuse instead of being undone")
        #expect(draft.data == (try JSONValue.parse("""
            {"description":"Bolt","uom":"EA","tracking":"lot","gtins":["09506000134352"],
             "standardCost":{"amount":"0.13","currency":"EUR"}}
            """)), "kept what the file has no column for, set the cost, cleared the emptied category")
        // A new record needs its required columns.
        guard case .failure(let refused) = MasterCSV.read("key,company,standard_cost,currency\nNEW,ACME,1,EUR\n", kind: .item) else {
            Issue.record("a new item without description was accepted")
            return
        }
        #expect(Set(refused.problems.compactMap(\.column)) == ["description", "uom", "tracking"])
    }

    @Test func headerProblemsAreLineOne() {
        guard case .failure(let refused) = MasterCSV.read("key,colour\nA,red\n", kind: .item) else {
            Issue.record("an unknown column was accepted")
            return
        }
        #expect(refused.problems.map(\.line) == [1] && refused.problems[0].column == "colour")
        guard case .failure(let missing) = MasterCSV.read("supplier,price\nS1,1\n", kind: .supplierItem) else {
            Issue.record("a missing key column was accepted")
            return
        }
        #expect(missing.problems.map(\.column) == ["item"])
    }

    @Test func supplierItemsAreKeyedBySupplierAndItem() throws {
        let rows = try MasterCSV.read("""
            supplier,item,company,lead_time_days,price,currency,minimum_quantity,rank
            S1,BOLT,ACME,14,0.10,EUR,500,1
            """, kind: .supplierItem).get()
        #expect(rows.first?.master.draft.key == "S1:BOLT")
        #expect(rows.first?.master.references.count == 2)
    }
}

@Suite struct AuditChainTests {
    static let hash: @Sendable (String) -> String = { text in
        // A stand-in digest for the pure chain logic (the hub uses SHA-256): any function of the whole text.
        var value: UInt64 = 14_695_981_039_346_656_037
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 1_099_511_628_211 }
        return String(value, radix: 16)
    }

    func chain(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for index in 0..<count {
            let draft = AuditDraft(
                actor: "user:a", action: "master.changed", subject: "item I\(index)", company: "ACME", before: nil, after: "{\"n\":\(index)}")
            entries.append(draft.entry(after: entries.last.map { ($0.sequence, $0.hash) }, at: Date(), hash: Self.hash))
        }
        return entries
    }

    func firstBreak(_ entries: [AuditEntry]) -> AuditChainVerifier.Break? {
        var verifier = AuditChainVerifier(hash: Self.hash)
        for entry in entries { if let broken = verifier.check(entry) { return broken } }
        return nil
    }

    @Test func anIntactChainVerifies() {
        #expect(firstBreak(chain(10)) == nil)
        #expect(chain(1).first?.previousHash == AuditEntry.genesisHash)
    }

    @Test func editsRemovalsAndRehashedEditsAreFoundWhereTheyHappened() {
        var edited = chain(10)
        edited[4].actor = "user:mallory"
        #expect(firstBreak(edited)?.sequence == 5)
        #expect(firstBreak(edited)?.reason.contains("edited") == true)

        var removed = chain(10)
        removed.remove(at: 6)
        #expect(firstBreak(removed)?.sequence == 7)

        var rehashed = chain(10)
        rehashed[2].after = "{\"n\":99}"
        rehashed[2].hash = Self.hash(rehashed[2].chainText)
        #expect(firstBreak(rehashed)?.sequence == 4, "the next entry still carries the old hash")
    }
}
