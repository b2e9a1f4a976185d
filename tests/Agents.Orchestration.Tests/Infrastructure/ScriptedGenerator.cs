using System.Runtime.CompilerServices;
using Agents.Testing;

namespace Agents.Orchestration.Tests;

/// <summary>
/// A <see cref="TestGenerator"/> that plays a script: each call (generate or stream) takes the next step, which sees
/// the request and returns the model's reply. Running past the end of the script fails the test.
/// </summary>
internal sealed class ScriptedGenerator
{
    private readonly Queue<Func<GenerationRequest, GenerationResult>> _steps = new();
    private int _callIds;

    public ScriptedGenerator()
    {
        Generator = new TestGenerator
        {
            GenerateAsyncCallback = (request, ct) =>
            {
                ct.ThrowIfCancellationRequested();
                return Task.FromResult(Next(request));
            },
            StreamAsyncCallback = (request, ct) => StreamAsync(Next(request), ct),
        };
    }

    public TestGenerator Generator { get; }

    public IReadOnlyList<GenerationRequest> Requests => Generator.Requests;

    public int Remaining => _steps.Count;

    public ScriptedGenerator Then(Func<GenerationRequest, GenerationResult> step)
    {
        _steps.Enqueue(step);
        return this;
    }

    public ScriptedGenerator ThenAnswer(string text, Usage? usage = null) =>
        Then(_ => new GenerationResult(text) { FinishReason = FinishReason.Stop, Usage = usage ?? new Usage { PromptTokens = 10, CompletionTokens = 2 } });

    public ScriptedGenerator ThenCall(params (string Name, string ArgumentsJson)[] calls) =>
        Then(_ => CallResult([.. calls.Select(c => new ToolCall("call_" + Interlocked.Increment(ref _callIds), c.Name, c.ArgumentsJson))]));

    public static GenerationResult CallResult(params ToolCall[] calls) =>
        new(Message.Assistant(string.Empty) with { ToolCalls = calls })
        {
            FinishReason = FinishReason.ToolCalls,
            Usage = new Usage { PromptTokens = 10, CompletionTokens = 5 },
        };

    private GenerationResult Next(GenerationRequest request)
    {
        lock (_steps)
        {
            Assert.True(_steps.Count > 0, "The generator was called more times than the script has steps.");
            return _steps.Dequeue()(request);
        }
    }

    private static async IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationResult result, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Text in two pieces (to show streaming), then the tool calls, then the final update.
        var text = result.Text;
        var half = text.Length / 2;
        foreach (var piece in new[] { text[..half], text[half..] })
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            if (piece.Length > 0)
            {
                yield return new GenerationUpdate { Text = piece };
            }
        }

        if (result.Message.ToolCalls.Count > 0)
        {
            yield return new GenerationUpdate { ToolCalls = result.Message.ToolCalls };
        }

        yield return new GenerationUpdate { FinishReason = result.FinishReason, Usage = result.Usage };
    }
}
