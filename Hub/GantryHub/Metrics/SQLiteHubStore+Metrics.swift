import Foundation
import GRDB

extension SQLiteHubStore: StoreSizeReading {
    func storeBytes() async throws -> (backend: String, bytes: Int64) {
        ("sqlite", ApplicationMetrics.sqliteBytes(pool.path))
    }
}
