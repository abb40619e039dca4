// W5's graph on LangGraph.js (shared by the workload and the process that resumes it).
import {
	Annotation,
	type BaseCheckpointSaver,
	END,
	interrupt,
	START,
	StateGraph,
} from "@langchain/langgraph";

const State = Annotation.Root({
	request: Annotation<string>(),
	draft: Annotation<string>(),
	approval: Annotation<string>(),
	result: Annotation<string>(),
});

export function reviewGraph(
	checkpointer: BaseCheckpointSaver,
	onReview = () => {},
) {
	return new StateGraph(State)
		.addNode("write_draft", (s) => ({ draft: `draft for ${s.request}` }))
		.addNode("review", (s) => {
			onReview();
			return {
				approval: interrupt<unknown, string>({
					question: "approve?",
					draft: s.draft,
				}),
			};
		})
		.addNode("finish", (s) => ({ result: `${s.draft} [${s.approval}]` }))
		.addEdge(START, "write_draft")
		.addEdge("write_draft", "review")
		.addEdge("review", "finish")
		.addEdge("finish", END)
		.compile({ checkpointer });
}
