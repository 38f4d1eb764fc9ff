// libFuzzer target for the master CSV import, which reads whatever file a person uploads. Built with
// swiftc -sanitize=fuzzer together with the Core sources (one module, so no import): any crash, trap or
// sanitizer report is a finding.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func masterCSVFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let kinds: [MasterKind] = [.item, .supplier, .supplierItem]
    let kind = kinds[Int(data[0]) % kinds.count]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    _ = try? CSV.rows(text)
    if case .success(let rows) = MasterCSV.read(text, kind: kind) {
        // What imports must export to a file that imports to the same records.
        let records = rows.map { row in
            MasterRecord(
                kind: kind, company: row.master.draft.company, key: row.master.draft.key, active: row.master.draft.active,
                plants: row.master.draft.plants, data: row.master.draft.data, version: 1, updatedAt: Date(), updatedBy: "fuzz")
        }
        guard case .success(let again) = MasterCSV.read(MasterCSV.write(records, kind: kind), kind: kind) else {
            preconditionFailure("an exported file is refused on import")
        }
        precondition(again.map(\.master.draft) == rows.map(\.master.draft), "records survive export and import")
    }
    return 0
}
