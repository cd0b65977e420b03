// The typed errors this client throws, shared by every rollcall package (`instanceof` works across
// them), the call types, and `redactUrl` for logging URLs.
export * from '@rollcall/internal/public';
