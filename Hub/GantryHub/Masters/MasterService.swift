import Foundation
import GantryCore

/// Who is acting: a principal of the API, or the operator at the command line (who has the database and
/// therefore every right).
public struct Actor: Sendable, Equatable {
    /// As the audit trail names it.
    public var name: String
    public var role: Role
    public var companies: CompanyScope

    public init(name: String, role: Role, companies: CompanyScope) {
        self.name = name
        self.role = role
        self.companies = companies
    }

    public init(_ principal: PrincipalRecord) {
        self.init(name: principal.actor, role: principal.role, companies: principal.companies)
    }

    /// The operator running `gantry-hub` on the hub's machine, named by the operating-system account the process
    /// runs as (not by an environment variable, which the caller could set to anything).
    public static func local() -> Actor {
        Actor(name: "local:\(OperatingSystemUser.current)", role: .administrator, companies: .all)
    }
}

/// A change of masters that was refused, with every problem by record (and by CSV line for imports).
public struct MastersRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [MasterCSV.RowProblem]
    /// For changes not from a file: the problems by record.
    public var invalid: [MasterInvalid]

    public var description: String {
        (problems.map(\.description) + invalid.map(\.description)).joined(separator: "\n")
    }
}

extension MastersRefused: ProblemReporting {
    /// 422 with every problem: by CSV line and column, or by record and field.
    public var problem: ProblemDetails {
        let items = problems.map { ProblemDetails.Item(line: $0.line, field: $0.column, detail: $0.detail) }
            + invalid.flatMap { invalid in
                invalid.problems.map { ProblemDetails.Item(subject: invalid.identity.description, field: $0.field, detail: $0.detail) }
            }
        return ProblemDetails(
            code: "invalid-masters", title: "Masters refused", status: 422,
            detail: "\(items.count) problem(s); nothing was changed", errors: items)
    }
}

/// The masters' rules that hold whatever the way in (HTTP, CSV, command line): fields checked by kind,
/// writes only within the actor's role and companies, references resolved, one version per change set.
public struct MasterService: Sendable {
    let store: any HubStore
    /// The clock that dates each new master version.
    let now: @Sendable () -> Date

    /// The masters' rules over `store`; `now` dates new versions (the wall clock unless a caller sets one).
    public init(store: any HubStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Checks, authorises and commits `drafts` as one version.
    public func commit(_ drafts: [MasterDraft], by actor: Actor, summary: String) async throws -> MasterCommit {
        var checked: [CheckedMaster] = []
        var invalid: [MasterInvalid] = []
        for draft in drafts {
            switch draft.checked() {
            case .success(let master): checked.append(master)
            case .failure(let problem): invalid.append(problem)
            }
        }
        var seen = Set<MasterIdentity>()
        for master in checked where !seen.insert(master.draft.identity).inserted {
            invalid.append(MasterInvalid(identity: master.draft.identity, problems: [
                MasterProblem(field: "key", detail: "the change set holds this record twice")]))
        }
        try authorise(checked.map(\.draft), actor)
        // Every problem at once: the fields of every record and the references of those whose fields are right.
        let unresolved = try await unresolvedReferences(checked)
        for (identity, problems) in unresolved.sorted(by: { $0.key.description < $1.key.description }) {
            if let index = invalid.firstIndex(where: { $0.identity == identity }) {
                invalid[index].problems += problems
            } else {
                invalid.append(MasterInvalid(identity: identity, problems: problems))
            }
        }
        guard invalid.isEmpty else { throw MastersRefused(problems: [], invalid: invalid) }
        return try await store.commitMasters(ordered(checked), actor: actor.name, summary: summary, at: now())
    }

    /// Imports a CSV file of `kind` as one version: every row is checked first, and any problem refuses all.
    public func importCSV(_ text: String, kind: MasterKind, by actor: Actor, source: String) async throws -> MasterCommit {
        let rows: [MasterCSV.ImportedRow]
        let stored = try await store.masters(kind: kind, key: nil, company: nil, scope: actor.companies)
        let existing = Dictionary(stored.map { ($0.identity, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [MasterCSV.RowProblem] = []
        switch MasterCSV.read(text, kind: kind, existing: existing) {
        case .success(let imported): rows = imported
        case .failure(let refused):
            // Every problem at once: the rows whose fields are right still have their references checked.
            rows = refused.valid
            problems = refused.problems
        }
        try authorise(rows.map(\.master.draft), actor)
        let unresolved = try await unresolvedReferences(rows.map(\.master))
        if !unresolved.isEmpty || !problems.isEmpty {
            let lines = Dictionary(rows.map { ($0.master.draft.identity, $0.line) }, uniquingKeysWith: { first, _ in first })
            problems += unresolved.flatMap { identity, problems in
                problems.map { problem in
                    MasterCSV.RowProblem(line: lines[identity] ?? 0, column: MasterCSV.column(of: problem.field, kind: kind), detail: problem.detail)
                }
            }
            throw MastersRefused(problems: problems.sorted { ($0.line, $0.column ?? "") < ($1.line, $1.column ?? "") }, invalid: [])
        }
        return try await store.commitMasters(
            ordered(rows.map(\.master)), actor: actor.name, summary: "import of \(rows.count) \(kind.rawValue) rows from \(source)",
            at: now())
    }

    /// The masters a plant is meant to have that changed after `since`, at most about `limit` revisions
    /// (whole versions only), and those it held that are no longer meant for it.
    public func changes(for plant: PlantRecord, since asked: Int64, limit: Int) async throws -> MasterChanges {
        // A plant ahead of the hub (the hub's database was restored from an older backup) starts over.
        var reset = false
        if asked > 0 { reset = try await store.masterVersions(after: asked - 1, limit: 1).first?.version != asked }
        let since = reset ? 0 : asked
        var through = since, counted = 0, more = false
        let versions = try await store.masterVersions(after: since, limit: limit + 1)
        for version in versions {
            if counted > 0 && counted + version.records > limit { more = true; break }
            counted += version.records
            through = version.version
        }
        guard through > since || reset else {
            return MasterChanges(plant: plant.plantID, since: asked, through: asked, records: [], removed: [], more: false)
        }
        var latest: [MasterIdentity: MasterRecord] = [:]
        for revision in try await store.masterRevisions(company: plant.company, after: since, through: through) {
            latest[revision.identity] = revision
        }
        var records: [MasterRecord] = [], removed: [MasterChanges.Removed] = []
        for (identity, record) in latest.sorted(by: { ($0.key.kind, $0.key.description) < ($1.key.kind, $1.key.description) }) {
            if record.isMeant(forPlant: plant.plantID, company: plant.company) {
                records.append(record)
            } else if since > 0, let earlier = try await store.masterRevision(identity, atOrBefore: since),
                      earlier.isMeant(forPlant: plant.plantID, company: plant.company) {
                removed.append(MasterChanges.Removed(kind: identity.kind, company: identity.company, key: identity.key))
            }
        }
        return MasterChanges(
            plant: plant.plantID, since: asked, through: through, records: records, removed: removed, more: more, reset: reset)
    }

    // MARK: Rules

    /// The role must allow writing each kind, and the actor's companies must cover each record's company.
    func authorise(_ drafts: [MasterDraft], _ actor: Actor) throws {
        for draft in drafts {
            guard actor.role.allows(draft.kind.writePermission) else {
                throw AccessDenied(
                    "the role \(actor.role.rawValue) may not change \(draft.kind.rawValue) records: that needs the permission \(draft.kind.writePermission.rawValue)")
            }
            guard actor.companies.mayChange(draft.company) else {
                throw AccessDenied(draft.company == nil
                    ? "shared \(draft.kind.rawValue) records are changed only by principals of every company"
                    : "\(draft.identity) belongs to company \(draft.company!), outside this principal's companies")
            }
        }
    }

    /// References that name no record in the same company, among shared records, or in the same change.
    private func unresolvedReferences(_ masters: [CheckedMaster]) async throws -> [MasterIdentity: [MasterProblem]] {
        let incoming = Set(masters.map(\.draft.identity))
        var wanted: [(owner: MasterIdentity, field: String, candidates: [MasterIdentity])] = []
        for master in masters {
            let draft = master.draft
            if let company = draft.company, draft.kind != .company {
                wanted.append((draft.identity, "company",
                               [MasterIdentity(kind: .company, company: company, key: company)]))
            }
            for reference in master.references {
                var candidates = [MasterIdentity(kind: reference.kind, company: nil, key: reference.key)]
                if let company = draft.company { candidates.append(MasterIdentity(kind: reference.kind, company: company, key: reference.key)) }
                // A company record belongs to itself, so a reference to a company (a group's members) finds it there.
                if reference.kind == .company { candidates.insert(MasterIdentity(kind: .company, company: reference.key, key: reference.key), at: 0) }
                wanted.append((draft.identity, reference.field, candidates))
            }
        }
        let asked = Set(wanted.flatMap(\.candidates)).subtracting(incoming)
        let existing = try await store.existingMasters(asked).union(incoming)
        var unresolved: [MasterIdentity: [MasterProblem]] = [:]
        for (owner, field, candidates) in wanted where !candidates.contains(where: existing.contains) {
            let target = candidates.last!
            let place = target.company.map { "company \($0) or shared" } ?? "shared"
            unresolved[owner, default: []].append(MasterProblem(
                field: field == "company" ? "company" : "data.\(field)",
                detail: "no \(target.kind.rawValue) \(target.key) (\(place)); create it first or in the same change"))
        }
        return unresolved
    }

    /// Companies before their plants and accounts, accounts before mappings, and so on.
    private func ordered(_ masters: [CheckedMaster]) -> [MasterDraft] {
        masters.map(\.draft).enumerated().sorted { ($0.element.kind, $0.offset) < ($1.element.kind, $1.offset) }.map(\.element)
    }
}

/// A request the caller's role or companies do not allow: answered 403.
public struct AccessDenied: Error, Sendable, Equatable, CustomStringConvertible, ProblemReporting {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
    public var problem: ProblemDetails { ProblemDetails(code: "forbidden", title: "Not allowed", status: 403, detail: reason) }
}
