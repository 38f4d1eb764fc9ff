import GantryCore
import Testing

@Suite struct DatabaseURLTests {
    @Test func readsEveryPartWithLibpqDefaults() throws {
        let full = try DatabaseURL(parsing: "postgres://hub%40acme:p%3Ass%2Fw@db.example:6432/gantry?sslmode=verify-full")
        #expect(full == DatabaseURL(host: "db.example", port: 6432, user: "hub@acme", password: "p:ss/w", database: "gantry", tls: .verifyFull))
        let bare = try DatabaseURL(parsing: "postgresql://localhost")
        #expect(bare == DatabaseURL(host: "localhost", port: 5432, user: "postgres", password: nil, database: "postgres", tls: .prefer))
        #expect(try DatabaseURL(parsing: "postgres://u@h/").database == "u", "the database defaults to the user's name")
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let url = try DatabaseURL(parsing: "postgres://hub:secret@db/gantry?sslmode=require")
        #expect(url.description == "postgres://hub@db:5432/gantry?sslmode=require")
        #expect(!url.description.contains("secret"))
    }

    @Test(arguments: [
        ("mysql://h/db", "not a postgres:// URL"),
        ("postgres:///db", "names no host"),
        ("postgres://h/db/extra", "just the database name"),
        ("postgres://h/db?sslmode=sometimes", "sslmode must be one of disable, prefer, require, verify-full"),
        ("postgres://h/db?pool=3", "unknown URL parameter pool"),
        ("postgres://h:0/db", "port must be from 1 to 65535"),
    ])
    func refusesWhatItCannotUse(text: String, reason: String) {
        #expect { _ = try DatabaseURL(parsing: text) } throws: { error in
            (error as? ConfigurationError)?.reason.contains(reason) == true
        }
    }
}
