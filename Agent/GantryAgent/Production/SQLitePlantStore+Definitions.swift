import Foundation
import GantryCore
import GRDB

/// Work centres, bills of materials, routings and quality points: the store reads what each definition names,
/// `ProductionDefinitionRules` decides, and the definition is written with its event in one transaction.
extension SQLitePlantStore {
    public func defineWorkCentre(_ centre: WorkCentreDefined) async throws {
        let at = now()
        try await writer.write { db in
            try ProductionDefinitionRules.check(centre)
            try db.execute(sql: "INSERT OR REPLACE INTO work_centres (code, definition) VALUES (?, ?)", arguments: [centre.code, try centre.payloadJSON()])
            _ = try Self.append(centre, occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func defineBOM(_ bom: BOMDefined) async throws {
        let at = now()
        try await writer.write { db in
            let named = [bom.item] + bom.lines.map(\.component) + bom.byProducts.map(\.item)
            _ = try ProductionDefinitionRules.check(bom, knownItems: try Self.knownItems(named, in: db), boms: try Self.boms(in: db))
            try db.execute(sql: "INSERT OR REPLACE INTO boms (item, definition) VALUES (?, ?)", arguments: [bom.item, try bom.payloadJSON()])
            _ = try Self.append(bom, occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func defineRouting(_ routing: RoutingDefined) async throws {
        let at = now()
        try await writer.write { db in
            var centres: Set<String> = []
            for code in Set(routing.operations.map(\.workCentre)) where try Self.workCentre(code, in: db) != nil { centres.insert(code) }
            try ProductionDefinitionRules.check(routing, itemKnown: try Self.item(routing.item, in: db) != nil, knownWorkCentres: centres)
            try db.execute(sql: "INSERT OR REPLACE INTO routings (item, definition) VALUES (?, ?)", arguments: [routing.item, try routing.payloadJSON()])
            _ = try Self.append(routing, occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func defineQualityPoint(_ point: QualityPointDefined) async throws {
        let at = now()
        try await writer.write { db in
            try ProductionDefinitionRules.check(point, itemKnown: try Self.item(point.item, in: db) != nil)
            try db.execute(sql: "INSERT OR REPLACE INTO quality_points (point, definition) VALUES (?, ?)", arguments: [point.point, try point.payloadJSON()])
            _ = try Self.append(point, occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func explodeBOM(item: String, quantity: Quantity) async throws -> [BOMExplosion.Requirement] {
        try await pool.read { db in try BOMExplosion.explode(item, quantity: quantity, boms: try Self.boms(in: db)) }
    }

    // MARK: Inside the transaction

    /// Which of `keys` are items in this plant's masters.
    static func knownItems(_ keys: [String], in db: Database) throws -> Set<String> {
        var known: Set<String> = []
        for key in Set(keys) where try item(key, in: db) != nil { known.insert(key) }
        return known
    }

    static func boms(in db: Database) throws -> [String: BOMDefined] {
        var boms: [String: BOMDefined] = [:]
        for record in try DefinitionRecord.fetchAll(db, sql: "SELECT item AS key, definition FROM boms") {
            boms[record.key] = try BOMDefined(payload: JSONValue.parse(record.definition))
        }
        return boms
    }

    static func bom(_ item: String, in db: Database) throws -> BOMDefined? {
        try String.fetchOne(db, sql: "SELECT definition FROM boms WHERE item = ?", arguments: [item]).map { try BOMDefined(payload: JSONValue.parse($0)) }
    }

    static func routing(_ item: String, in db: Database) throws -> RoutingDefined? {
        try String.fetchOne(db, sql: "SELECT definition FROM routings WHERE item = ?", arguments: [item]).map { try RoutingDefined(payload: JSONValue.parse($0)) }
    }

    static func workCentre(_ code: String, in db: Database) throws -> WorkCentreDefined? {
        try String.fetchOne(db, sql: "SELECT definition FROM work_centres WHERE code = ?", arguments: [code]).map { try WorkCentreDefined(payload: JSONValue.parse($0)) }
    }

    static func qualityPoint(_ name: String, in db: Database) throws -> QualityPointDefined? {
        try String.fetchOne(db, sql: "SELECT definition FROM quality_points WHERE point = ?", arguments: [name])
            .map { try QualityPointDefined(payload: JSONValue.parse($0)) }
    }
}
