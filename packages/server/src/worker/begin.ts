/**
 * Starts a transaction that Postgres ends, rolling it back, once its session has sat idle in it for 5 s:
 * a process paused inside one (SIGSTOP, a frozen VM) does not hold its locks until it wakes (decision
 * 0137, as `@weft/checkpoint-postgres`'s transactions do). One round trip, as `BEGIN` alone.
 */
export const BEGIN_BOUNDED =
	"BEGIN; SET LOCAL idle_in_transaction_session_timeout = 5000";
