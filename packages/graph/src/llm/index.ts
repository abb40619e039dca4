// The LLM layer (@weft/graph/llm): built on @weft/graph's public API and @langchain/core only.
// Registers @langchain/core messages with the checkpoint serializer, so messages in state round-trip.
import "@weft/checkpoint/langchain";

export type { AgentMemoryOptions } from "./agent-memory.ts";
export {
	type ApprovalDecision,
	type ApprovalRequest,
	type ApprovalResponse,
	toolApproval,
} from "./approval.ts";
export type {
	ChatModelLike,
	ModelEvent,
	WeftModelMetadata,
} from "./call-model.ts";
export {
	type AgentNode,
	AgentState,
	type CreateAgentOptions,
	createAgent,
} from "./create-agent.ts";
export {
	type HandoffArtifact,
	handoffTarget,
	handoffTool,
} from "./handoff.ts";
export { type InvokeModelOptions, invokeModel } from "./invoke-model.ts";
export {
	type LlmNodeOptions,
	type LlmPrompt,
	llmNode,
	type MessagesState,
	type PromptTemplateLike,
} from "./llm-node.ts";
export {
	LocalRetriever,
	type LocalRetrieverOptions,
	type PassageMetadata,
} from "./local-retriever.ts";
export {
	type LoadMcpToolsOptions,
	loadMcpTools,
	type McpServerConfig,
	type McpToolset,
} from "./mcp-tools.ts";
export {
	type MemoryToolsOptions,
	memoryText,
	memoryTools,
} from "./memory-tools.ts";
export {
	applyMessages,
	type MessagesUpdate,
	messages,
	REMOVE_ALL_MESSAGES,
} from "./messages.ts";
export { type Passage, splitPassages } from "./passages.ts";
export {
	PromptChain,
	promptChain,
	type StepOptions,
} from "./prompt-chain.ts";
export {
	documents,
	formatDocuments,
	type RetrieverLike,
	type RetrieverNodeOptions,
	retrieverNode,
} from "./retriever-node.ts";
export {
	ScriptedChatModel,
	type ScriptedChatModelOptions,
} from "./scripted-chat-model.ts";
export {
	type ScriptedCall,
	type ScriptedFailure,
	type ScriptedMessage,
	ScriptedModelError,
	type ScriptedReply,
	type ScriptedToolCall,
} from "./scripted-reply.ts";
export {
	type StructuredMethod,
	structuredCall,
} from "./structured-output.ts";
export {
	type CreateSupervisorOptions,
	createSupervisor,
	SupervisorState,
} from "./supervisor.ts";
export {
	type ToolEvent,
	type ToolNodeOptions,
	toolNode,
} from "./tool-node.ts";
export { requiredScopes, withScopes } from "./tool-scopes.ts";
export { toolsCondition } from "./tools-condition.ts";
