using Agents.Testing;

namespace Agents.Evaluation.Tests;

/// <summary>A TestGenerator that answers from a script (a function of the request) and keeps every request.</summary>
internal static class ScriptedJudge
{
    public static TestGenerator Replying(params string[] replies)
    {
        var next = 0;
        return new TestGenerator
        {
            GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult(replies[Math.Min(Interlocked.Increment(ref next) - 1, replies.Length - 1)])),
        };
    }

    public static TestGenerator Answering(Func<string, string> reply) => new()
    {
        GenerateAsyncCallback = (request, _) => Task.FromResult(new GenerationResult(reply(request.Messages[^1].Text))),
    };
}
