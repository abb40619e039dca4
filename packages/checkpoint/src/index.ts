export { MAX_WRITE_DEPTH } from "./check-value.ts";
export type {
	AcquireLeaseOptions,
	ChainOptions,
	ChainRecord,
	Checkpointer,
	CheckpointRef,
	FenceOptions,
	ListOptions,
	ListThreadsOptions,
	PruneOptions,
	PutOptions,
	SyncPut,
	ThreadRef,
} from "./checkpointer.ts";
export { PUT_SYNC, threadLeaseOf } from "./checkpointer.ts";
/** A Postgres connection string checked before any connection (CONFIG_INVALID naming who gave it). */
export { checkConnectionString } from "./connection-string.ts";
/** Cost arithmetic without float noise (decision 0244). */
export { addCost, roundCost } from "./cost-sum.ts";
export {
	createSerializer,
	type EncryptionKey,
	isEncrypted,
	type SerializerOptions,
} from "./encrypted-serializer.ts";
export {
	CheckpointError,
	ConfigError,
	checkpointConflict,
	checkpointNotFound,
	ERROR_CODES,
	GraphRecursionError,
	GraphValidationError,
	InvalidUpdateError,
	isUnreadableData,
	isWeftError,
	NodeError,
	ValidationError,
	type ValidationIssue,
	WeftError,
	type WeftErrorCode,
	type WeftErrorOptions,
} from "./errors.ts";
export { newCheckpointId } from "./ids.ts";
/** For the run loop's `PUT_SYNC` hand-over (internal): what plain metadata is made of. */
export { isPlainEntry, isPlainJson, isPlainName } from "./json-copy.ts";
export {
	JsonSerializer,
	type JsonSerializerOptions,
	serializerOption,
} from "./json-serializer.ts";
export {
	checkFilter,
	checkListThreadsOptions,
	checkPruneOptions,
	contains,
	keptIds,
	matchesFilter,
} from "./match-filter.ts";
export {
	MemoryCheckpointer,
	type MemoryCheckpointerOptions,
} from "./memory-checkpointer.ts";
export { keysOf, refuseUnknownKeys, unknownKey } from "./option-keys.ts";
export { plainJsonProblem } from "./plain-json.ts";
/** A LangChain provider name as the OpenTelemetry GenAI conventions name it (`gen_ai.provider.name`). */
export { conventionProvider, providerOf } from "./provider-name.ts";
export {
	readCheckpointData,
	readMetadata,
	readPendingWrite,
} from "./read-blob.ts";
export type {
	AnswerCost,
	ChannelWrite,
	CheckpointData,
	CheckpointMetadata,
	CheckpointRecord,
	CheckpointSource,
	CheckpointSummary,
	CheckpointTuple,
	JsonValue,
	Lease,
	PendingWrite,
	StepUsage,
	StoredCheckpoint,
	StoredThreadStatus,
	TaskSpec,
	ThreadInfo,
	ThreadLeaseState,
	ThreadStatus,
} from "./record.ts";
export type { BlobPlace, Serializer } from "./serializer.ts";
export { MemoryStore, type MemoryStoreOptions } from "./store/memory-store.ts";
export { fillNamespace } from "./store/namespace.ts";
export type {
	EmbeddingsLike,
	ListNamespacesOptions,
	Namespace,
	SearchItem,
	SearchMode,
	Store,
	StoreIndexOptions,
	StoreItem,
	StoreListOptions,
	StorePutOptions,
	StoreSearchOptions,
} from "./store/store.ts";
export type {
	StoreFilterOperators,
	StoreFilterScalar,
	StoreSearchFilter,
} from "./store/store-filter.ts";
export {
	checkLeaseTtl,
	checkNewRecord,
	checkRecordIds,
	checkRef,
	checkStoredColumns,
	checkStoredStatus,
	metadataJson,
	placeOf,
	readStatus,
} from "./store-checks.ts";
export {
	busyHolder,
	type CorruptPlace,
	corruptCheckpoint,
	corruptCheckpointOf,
	invalidOption,
	type LeaseHolder,
	leaseLost,
	parentCycle,
	threadBusy,
} from "./store-errors.ts";
export { isTaggedValue, TaggedValue } from "./tagged-value.ts";
/** What a thrown value says, for an error message (not `[object Object]`). */
export { thrownMessage } from "./thrown-message.ts";
export {
	registerSerializableType,
	type SerializableType,
} from "./type-registry.ts";
/** A provider's token usage (`usage_metadata`) read as whole numbers ≥ 0 that add up. */
export {
	messageUsage,
	readUsage,
	type TokenDetails,
	type UsageCounts,
} from "./usage-metadata.ts";
export {
	type IdKind,
	isValidId,
	isWellFormed,
	MAX_ID_LENGTH,
	validateId,
} from "./validate-id.ts";
