import Foundation
import GantryCore
import Testing

/// Request bodies read strictly, in plain words; master keys and change sets under one rule.
@Suite struct StrictInputTests {
    struct Line: Decodable, Equatable {
        var item: String
        var quantity: Int
        var note: String?
    }

    struct Order: Decodable, Equatable {
        var id: UUID?
        var role: String
        var expectedVersion: Int64?
        var due: Date?
        var lines: [Line]
        var tags: [String: String]?
        var extra: JSONValue?
    }

    func refusal<T: Decodable>(_ text: String, as type: T.Type = Order.self) -> StrictJSON.Refusal? {
        do {
            _ = try StrictJSON.decode(T.self, from: Data(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func aBodyOfKnownFieldsDecodesAsJSONDecoderWould() throws {
        let order = try StrictJSON.decode(Order.self, from: Data("""
            {"id":"3F2504E0-4F89-11D3-9A0C-0305E82C3301","role":"buyer","expectedVersion":3,"due":"2031-03-29T12:00:00Z",
             "lines":[{"item":"BOLT","quantity":2},{"item":"NUT","quantity":5,"note":null}],
             "tags":{"anything":"goes","in":"a dictionary"},"extra":{"free":{"form":[1,2]}}}
            """.utf8))
        #expect(order.id == UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301"))
        #expect(order.expectedVersion == 3 && order.due == Timestamp.parse("2031-03-29T12:00:00Z"))
        #expect(order.lines == [Line(item: "BOLT", quantity: 2), Line(item: "NUT", quantity: 5)])
        #expect(order.tags?.count == 2)
    }

    @Test(arguments: [
        (#"{"clientScanId":"x","role":"buyer","lines":[]}"#, "clientScanId", "unknown field clientScanId"),
        (#"{"role":"buyer","lines":[{"item":"B","quantity":1},{"item":"N","qty":2,"quantity":2}]}"#, "lines[1].qty", "unknown field qty"),
        (#"{"lines":[]}"#, "role", "missing field role"),
        (#"{"role":"buyer","lines":[{"quantity":1}]}"#, "lines[0].item", "missing field lines[0].item"),
        (#"{"role":"buyer","expectedVersion":"3","lines":[]}"#, "expectedVersion", "field expectedVersion must be a whole number"),
        (#"{"role":"buyer","expectedVersion":1.5,"lines":[]}"#, "expectedVersion", "field expectedVersion must be a whole number"),
        (#"{"role":{"name":"buyer"},"lines":[]}"#, "role", "field role must be text"),
        (#"{"role":"buyer","lines":{}}"#, "lines", "field lines must be a list"),
        (#"{"role":null,"lines":[]}"#, "role", "field role must be text, not null"),
    ])
    func wrongShapesAreNamedInPlainWords(body: String, field: String, detail: String) throws {
        let refused = try #require(refusal(body))
        #expect(refused.field == field && !refused.malformed)
        #expect(refused.detail.hasPrefix(detail), "\(refused.detail)")
        #expect(!refused.detail.contains("CodingKeys") && !refused.detail.contains("DecodingError"))
        let problem = ProblemDetails(refused: refused)
        #expect(problem.status == 422 && problem.code == "invalid-request" && problem.field == field)
    }

    @Test func aBodyThatIsNotJSONIsA400() throws {
        let refused = try #require(refusal(#"{"role": "#))
        #expect(refused.malformed && refused.field == nil)
        #expect(ProblemDetails(refused: refused).status == 400)
    }

    @Test func badValuesSayWhatWasExpected() throws {
        let uuid = try #require(refusal(#"{"id":"not-a-uuid","role":"b","lines":[]}"#))
        #expect(uuid.field == "id" && uuid.detail.contains("UUID") && !uuid.detail.contains("Swift"))
        let role = try #require(refusal(#"{"r":"boss"}"#, as: [String: Role].self))
        #expect(role.field == "r" && role.detail == "field r: \"boss\" is not one of the allowed values")
    }

    @Test(arguments: [".", "..", "...", "", String(repeating: "A", count: 65), "A/B", "A B"])
    func keysWithoutALetterOrDigitOrWithOtherCharactersAreRefused(key: String) {
        #expect(MasterKey.problem(key) != nil)
    }

    @Test(arguments: ["BOLT-M8", "1.5", "a_b", ".hidden1", "X"])
    func ordinaryKeysPass(key: String) {
        #expect(MasterKey.problem(key) == nil)
    }

    @Test func dotKeysAreRefusedInChangeSetsAndImports() throws {
        for key in [".", ".."] {
            let draft = MasterDraft(kind: .item, company: "ACME", key: key,
                                    data: try JSONValue.parse(#"{"description":"B","uom":"EA","tracking":"none"}"#))
            guard case .failure(let invalid) = draft.checked() else { Issue.record("key \(key) accepted"); continue }
            #expect(invalid.problems.map(\.field) == ["key"])
        }
        guard case .failure(let refused) = MasterCSV.read("key,description,uom,tracking\n..,Bolt,EA,none\n", kind: .item) else {
            Issue.record("CSV key .. accepted"); return
        }
        #expect(refused.problems.map(\.column) == ["key"])
    }

    @Test(arguments: [
        (#"{"records":[{"kind":"item","key":"B","expectedVersio":1,"data":{}}]}"#, "records[0].expectedVersio"),
        (#"{"records":[{"kind":"item","key":"B","expectedVersion":"1","data":{}}]}"#, "records[0].expectedVersion"),
        (#"{"records":[{"kind":"item","key":"B","expectedVersion":-1,"data":{}}]}"#, "records[0].expectedVersion"),
        (#"{"summary":{"text":"x"},"records":[{"kind":"item","key":"B","data":{}}]}"#, "summary"),
        (#"{"sumary":"x","records":[{"kind":"item","key":"B","data":{}}]}"#, "sumary"),
        (#"{"records":[{"kind":"item","key":"B","company":7,"data":{}}]}"#, "records[0].company"),
        (#"{"records":[{"kind":"item","key":"B","activ":false,"data":{}}]}"#, "records[0].activ"),
        (#"{"records":[{"kind":"item","key":5,"data":{}}]}"#, "records[0].key"),
        (#"{"records":[{"kind":"item","key":"B","plants":["ACME-BER",4],"data":{}}]}"#, "records[0].plants[1]"),
    ])
    func changeSetsRefuseUnknownMembersAndWrongTypes(body: String, field: String) {
        #expect {
            try MasterChangeSet.read(Data(body.utf8))
        } throws: { error in
            (error as? MasterChangeSet.Malformed)?.field == field
        }
    }

    @Test func aRecordBodyRefusesUnknownMembers() throws {
        #expect {
            try MasterChangeSet.draft(try JSONValue.parse(#"{"activ":false,"data":{}}"#), kind: .item, key: "B", company: nil)
        } throws: { error in
            let malformed = error as? MasterChangeSet.Malformed
            return malformed?.field == "activ" && malformed?.detail.hasPrefix("unknown field activ") == true
        }
        // expectedVersion belongs to change sets; one record's PUT carries its version in If-Match.
        #expect(throws: MasterChangeSet.Malformed.self) {
            try MasterChangeSet.draft(try JSONValue.parse(#"{"expectedVersion":1,"data":{}}"#), kind: .item, key: "B", company: nil)
        }
    }

    @Test func pricesAndCostsAreNeverNegative() throws {
        let supplierItem = MasterDraft(kind: .supplierItem, company: "ACME", key: "S1:BOLT", data: try JSONValue.parse("""
            {"supplier":"S1","item":"BOLT","leadTimeDays":5,"price":{"amount":"-0.01","currency":"EUR"},"rank":1}
            """))
        guard case .failure(let invalid) = supplierItem.checked() else { Issue.record("negative price accepted"); return }
        #expect(invalid.problems == [MasterProblem(field: "data.price.amount", detail: "must not be negative")])
        let free = MasterDraft(kind: .supplierItem, company: "ACME", key: "S1:BOLT", data: try JSONValue.parse("""
            {"supplier":"S1","item":"BOLT","leadTimeDays":5,"price":{"amount":"0","currency":"EUR"},"rank":1}
            """))
        #expect((try? free.checked().get()) != nil, "a free sample costs 0")
    }

    @Test func aDuplicateCSVKeyNamesItsColumn() {
        guard case .failure(let refused) = MasterCSV.read(
            "key,description,uom,tracking\nBOLT,Bolt,EA,none\nBOLT,Bolt again,EA,none\n", kind: .item) else {
            Issue.record("duplicate accepted"); return
        }
        #expect(refused.problems == [MasterCSV.RowProblem(line: 3, column: "key", detail: "item BOLT is also on line 2")])
        #expect(refused.valid.map(\.line) == [2], "the first row is still checked for references")
    }

    @Test func explodingAnItemWithoutABOMOrNoQuantityIsRefused() throws {
        let boms = ["CAR": BOMDefined(item: "CAR", lines: [BOMDefined.Line(component: "WHEEL", quantity: Quantity(4))])]
        #expect { try BOMExplosion.explode("BIKE", quantity: Quantity(1), boms: boms) } throws: { error in
            (error as? ProductionRefusal)?.code == .notFound
        }
        for quantity in [Quantity.zero, Quantity(-5)] {
            #expect { try BOMExplosion.explode("CAR", quantity: quantity, boms: boms) } throws: { error in
                (error as? ProductionRefusal)?.code == .invalid
            }
        }
        #expect(try BOMExplosion.explode("CAR", quantity: Quantity(2), boms: boms).map(\.quantity) == [Quantity(8)])
    }
}
