using Agents.Backends.Llama.Grammar;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Grammar;

/// <summary>A generator over the test model with room for JSON answers and small default string/array bounds.</summary>
public sealed class ConstrainedGenerationFixture : IDisposable
{
    public ConstrainedGenerationFixture() => Generator = new LlamaGenerator(new LlamaModelOptions
    {
        Load =
        {
            ModelPath = TestModel.Path,
            ContextSize = 1024,
            ChatTemplateFallback = LlamaChatFormats.ChatML,
            Threads = 2,
        },
        Scheduling =
        {
            MaxConcurrentSequences = 8,
        },
        StructuredOutput = new JsonGrammarOptions { DefaultMaxStringLength = 8, DefaultMaxItems = 3, MaxFreeFormDepth = 1, MaxWhitespace = 2 },
    });

    public LlamaGenerator Generator { get; }

    public void Dispose() => Generator.Dispose();
}
