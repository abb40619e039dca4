import { Command } from "commander";
import { UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";

/** Commands and their long options, read from the program itself so completion never goes stale. */
function words(program: Command): {
	commands: string[];
	options: Map<string, string[]>;
	global: string[];
} {
	const longs = (c: Command) =>
		c.options.map((o) => o.long).filter((l): l is string => l !== undefined);
	const options = new Map(
		program.commands.map((c) => [c.name(), [...longs(c), "--help"]]),
	);
	return {
		commands: program.commands.map((c) => c.name()),
		options,
		global: longs(program),
	};
}

function bash(program: Command): string {
	const w = words(program);
	const cases = [...w.options]
		.map(
			([name, opts]) =>
				`    ${name}) opts="${[...opts, ...w.global].join(" ")}" ;;`,
		)
		.join("\n");
	return `# weft completion for bash: add to ~/.bashrc:  source <(weft completion bash)
_weft() {
  local cur cmd opts i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${w.commands.join(" ")} ${w.global.join(" ")} --help" -- "$cur"))
    return
  fi
  case "$cmd" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
}
complete -F _weft weft
`;
}

function zsh(program: Command): string {
	const w = words(program);
	const described = program.commands
		.map(
			(c) =>
				`    '${c.name()}:${c.description().replace(/'/g, "").replace(/:/g, "\\:").slice(0, 70)}'`,
		)
		.join("\n");
	const cases = [...w.options]
		.map(
			([name, opts]) =>
				`    ${name}) _arguments '*:file:_files' ${[...opts, ...w.global].map((o) => `'${o}[]'`).join(" ")} ;;`,
		)
		.join("\n");
	return `#compdef weft
# weft completion for zsh: add to ~/.zshrc:  source <(weft completion zsh)
_weft() {
  local -a commands
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
if [[ "$(whence -w compdef)" == *function* ]]; then compdef _weft weft; fi
`;
}

/** `weft completion bash|zsh`: prints a completion script for the shell. */
export async function completion(
	shell: string,
	program: Command,
	env: CommandEnv,
): Promise<number> {
	if (shell !== "bash" && shell !== "zsh")
		throw new UsageError(
			`no completion for shell "${shell}"`,
			"use `weft completion bash` or `weft completion zsh`",
		);
	const script = shell === "bash" ? bash(program) : zsh(program);
	env.out.result({ shell, script }, () => script);
	return 0;
}

export const completionCommand = (act: Act, program: () => Command) =>
	withExamples(
		new Command("completion")
			.argument("<shell>", "bash or zsh")
			.description("print a shell completion script (commands and options)")
			.action(act((env, shell: string) => completion(shell, program(), env))),
		[
			"weft completion bash > ~/.local/share/bash-completion/completions/weft",
			// biome-ignore lint/suspicious/noTemplateCurlyInString: zsh's own ${…}, not a template
			'weft completion zsh > "${fpath[1]}/_weft"',
		],
	);
