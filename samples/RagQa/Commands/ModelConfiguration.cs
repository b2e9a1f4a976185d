namespace Agents.Samples.RagQa;

/// <summary>Makes the generator <c>ask</c> uses, from <c>--model</c> or <c>--backend</c>.</summary>
internal static class ModelConfiguration
{
    public const string HowToConfigure = """
        error: ask needs a model, and none is configured.
          local:  RagQa ask "<question>" --model path/to/model.gguf
          hosted: RagQa ask "<question>" --backend openai     (with OPENAI_API_KEY set; OPENAI_BASE_URL for compatible servers)
                  RagQa ask "<question>" --backend anthropic  (with ANTHROPIC_API_KEY set)
        search works without a model: RagQa search "<query>"
        """;

    public static IGenerator? CreateGenerator(ParsedCommand command, out string problem)
    {
        problem = HowToConfigure;
        if (command.Model is null && command.Backend is null)
        {
            return null;
        }

        problem = "error: this build of RagQa has no model backends wired in; " + HowToConfigure["error: ".Length..];
        return null;
    }
}
