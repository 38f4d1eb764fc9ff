import Foundation
import GantryTestSupport
import GRDB
import Testing

/// The operator's master-data and audit commands, as processes.
@Suite struct MasterCommandLineTests {
    @Test func importsExportAndAVerifiedAuditTrailThatCatchesAnEdit() async throws {
        try await withTemporaryDirectory { dir in
            let config = "\(dir)/hub.conf"
            try "store.path = \(dir)/hub.sqlite\n".write(toFile: config, atomically: true, encoding: .utf8)
            try """
                {"records":[{"kind":"company","key":"ACME","data":{"legalName":"Acme GmbH","currency":"EUR"}},
                            {"kind":"supplier-category","key":"FASTENERS","data":{"name":"Fasteners"}}]}
                """.write(toFile: "\(dir)/org.json", atomically: true, encoding: .utf8)
            let applied = try await run("gantry-hub", ["masters", "apply", "--config", config, "\(dir)/org.json"])
            #expect(applied.status == 0 && applied.stdout.contains("version 1: 2 changed"), "\(applied.stderr)")

            try "code,name\n".write(toFile: "\(dir)/wrong.csv", atomically: true, encoding: .utf8)
            try """
                key,company,name,status,categories
                S1,ACME,Steel & Co,approved,FASTENERS
                S2,ACME,,approved,FASTENERS
                S3,ACME,Nuts Ltd,trusted,BOLTS
                """.write(toFile: "\(dir)/suppliers.csv", atomically: true, encoding: .utf8)
            let refused = try await run("gantry-hub", ["masters", "import", "--config", config, "--kind", "suppliers", "\(dir)/suppliers.csv"])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("line 3") && refused.stderr.contains("line 4") && !refused.stderr.contains("line 2"),
                    "\(refused.stderr)")
            let empty = try await run("gantry-hub", ["masters", "export", "--config", config, "--kind", "suppliers"])
            #expect(empty.status == 0 && empty.stdout.split(separator: "\n").count == 1, "only the header: nothing was imported")

            try "key,company,name,status,categories\nS1,ACME,Steel & Co,approved,FASTENERS\n"
                .write(toFile: "\(dir)/suppliers.csv", atomically: true, encoding: .utf8)
            let imported = try await run("gantry-hub", ["masters", "import", "--config", config, "--kind", "suppliers", "\(dir)/suppliers.csv"])
            #expect(imported.status == 0 && imported.stdout.contains("version 2"), "\(imported.stderr)")
            let exported = try await run("gantry-hub", ["masters", "export", "--config", config, "--kind", "suppliers"])
            #expect(exported.stdout.contains("S1,ACME,true,,Steel & Co,approved,FASTENERS"), "\(exported.stdout)")
            let token = try await run("gantry-hub", ["tokens", "add", "--config", config, "--name", "alice", "--role", "buyer",
                                                     "--kind", "user", "--companies", "ACME", "--expires-in-days", "30"])
            #expect(token.status == 0 && token.stdout.hasPrefix("gut_"))
            let listed = try await run("gantry-hub", ["tokens", "list", "--config", config])
            let rows = listed.stdout.split(separator: "\n")
            #expect(rows.first?.hasPrefix("NAME") == true && rows.first?.contains("EXPIRES AT") == true, "\(listed.stdout)")
            #expect(rows.count == 2 && rows[1].split(separator: " ").prefix(4) == ["alice", "user", "buyer", "ACME"], "\(listed.stdout)")

            let intact = try await run("gantry-hub", ["audit", "verify", "--config", config])
            #expect(intact.status == 0 && intact.stdout.contains("intact: 4 entries"), "\(intact.stdout)\(intact.stderr)")

            // Someone with the database file edits the second entry (after removing the guard that refuses it).
            let database = try DatabaseQueue(path: "\(dir)/hub.sqlite")
            try await database.write { db in
                try db.execute(sql: "DROP TRIGGER audit_log_no_update")
                try db.execute(sql: "UPDATE audit_log SET actor = 'local:someone-else' WHERE seq = 2")
            }
            let broken = try await run("gantry-hub", ["audit", "verify", "--config", config])
            #expect(broken.status == 1)
            #expect(broken.stdout.contains("breaks at entry 2") && broken.stdout.contains("after 1 intact"), "\(broken.stdout)")
        }
    }
}
