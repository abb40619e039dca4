// Helpers for writing a Store backend (`@weft/checkpoint/store-backend`): what the SQLite and Postgres
// stores share with the memory store, so that all of them check input and rank results the same way.
export {
	IndexedStore,
	itemAddress,
	itemOf,
	jsonOf,
	type PreparedItem,
	vectorOf,
} from "./indexed-store.ts";
export {
	expiryOf,
	indexedText,
	paging,
	queryWords,
} from "./item-text.ts";
export {
	checkAddressSize,
	checkKey,
	decodeNamespace,
	encodeNamespace,
	MAX_ADDRESS_BYTES,
	prefixRange,
	SEPARATOR as NAMESPACE_SEPARATOR,
} from "./namespace.ts";
export { namespacesOf } from "./namespaces.ts";
export {
	byNewest,
	itemId,
	rankedSearch,
	type SearchBackend,
	type StoreFilter,
} from "./ranked-search.ts";
export {
	bytesToVector,
	embedText,
	vectorToBytes,
} from "./semantic.ts";
export {
	byCodePoint,
	type FilterCondition,
	type FilterOp,
	filterConditions,
	meetsConditions,
} from "./store-filter.ts";
