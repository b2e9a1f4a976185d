using Agents.Backends.Llama;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Infrastructure;

/// <summary>One generator over the test model, shared by a test class: loaded once, ChatML fallback, a 512-token window.</summary>
public sealed class GeneratorFixture : IDisposable
{
    public const int ContextWindow = 512;

    public GeneratorFixture() => Generator = new LlamaGenerator(CreateOptions());

    public LlamaGenerator Generator { get; }

    public static LlamaModelOptions CreateOptions() => new()
    {
        Load = { ModelPath = TestModel.Path, ContextSize = ContextWindow, ChatTemplateFallback = LlamaChatFormats.ChatML, Threads = 2 },
        Scheduling = { MaxConcurrentSequences = 8 },
    };

    public void Dispose() => Generator.Dispose();
}
