// Importing this module registers @langchain/core's message classes with every Weft serializer of the
// process, so messages in state round-trip exactly (class, id, content, tool calls, metadata).
// `@weft/graph/llm` imports it. A process that only reads stores (a CLI, a server) need not: the
// serializer loads the installed @langchain/core on the first stored message it reads.
import * as messages from "@langchain/core/messages";
import { messageType } from "./langchain-messages.ts";
import { registerSerializableType } from "./type-registry.ts";

registerSerializableType(messageType(messages));
