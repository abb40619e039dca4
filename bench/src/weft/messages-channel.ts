// The W3/W4 messages channel on Weft: `messages()` of @weft/graph/llm (append, replace by id, ids given to
// messages without one). Kept behind this one function so the workloads name the channel in their results.
import { messages } from "@weft/graph/llm";

export const MESSAGES_CHANNEL: string = "messages() from @weft/graph/llm";

export const messagesChannel = () => messages();
