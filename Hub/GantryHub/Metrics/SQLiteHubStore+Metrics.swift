import Foundation
import GRDB

extension SQLiteHubStore: StoreSizeReading {
    func storeBytes() async throws -> (backend: String, bytes: Int64) {
        ("sqlite", LocalFiles.sqliteBytes(pool.path))
    }
}
