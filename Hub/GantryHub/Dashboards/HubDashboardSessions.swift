import GantryPages

/// The hub's dashboard sessions (migration 16, both databases): the shared role, named for the hub's store.
public protocol HubDashboardSessions: DashboardSessionStore {}
