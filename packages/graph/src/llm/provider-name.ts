// `gen_ai.provider.name` values: kept in @weft/checkpoint, which @weft/models' side-call spans read too.
export { conventionProvider } from "@weft/checkpoint";
