using Agents.Testing;

namespace Agents.Orchestration.Tests;

public class MemoryTests
{
    /// <summary>Counts one token per word, so budgets in tests are easy to reason about.</summary>
    private sealed class WordTokenizer : ITokenizer
    {
        public int Calls { get; private set; }

        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Length)];

        public string Decode(IEnumerable<int> tokens) => string.Empty;

        public int CountTokens(string text)
        {
            Calls++;
            return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        }
    }

    private static List<Message> LongConversation(int turns)
    {
        var messages = new List<Message> { Message.System("Be brief.") };
        for (var i = 0; i < turns; i++)
        {
            messages.Add(Message.User($"question {i} " + string.Join(' ', Enumerable.Repeat("word", 20))));
            messages.Add(Message.Assistant($"answer {i} " + string.Join(' ', Enumerable.Repeat("word", 20))));
        }

        messages.Add(Message.User("final question"));
        return messages;
    }

    [Fact]
    public async Task RunAsync_OverBudget_DropsOldestWholeTurnsKeepingSystemAndNewestTurn()
    {
        var tokenizer = new WordTokenizer();
        var script = new ScriptedGenerator().ThenAnswer("ok");
        var agent = new Agent(script.Generator, new AgentOptions
        {
            Name = "memory",
            Memory = new AgentMemoryOptions { TokenBudget = 120, TrimTarget = 0.75, Tokenizer = tokenizer },
        });

        var result = await agent.RunAsync(LongConversation(5));

        var sent = Assert.Single(script.Requests).Messages;
        Assert.Equal("Be brief.", sent[0].Text);
        Assert.Equal("final question", sent[^1].Text);

        // Each turn is 2 × (22 words + 4 overhead) = 52 tokens; 90 (75 % of 120) leaves room for one old turn only.
        Assert.Equal(["question 4", "answer 4"], sent.Skip(1).Take(2).Select(m => string.Join(' ', m.Text.Split(' ').Take(2))));
        Assert.Equal(4, sent.Count);
        Assert.True(tokenizer.Calls > 0);

        // The transcript returned is the whole conversation: trimming only shapes what is sent.
        Assert.Equal(5 * 2 + 3, result.Messages.Count);
    }

    [Fact]
    public async Task RunAsync_UnderBudget_SendsEverything()
    {
        var script = new ScriptedGenerator().ThenAnswer("ok");
        var agent = new Agent(script.Generator, new AgentOptions { Name = "memory", Memory = new AgentMemoryOptions { TokenBudget = 100_000 } });

        await agent.RunAsync(LongConversation(5));

        Assert.Equal(12, script.Requests[0].Messages.Count);
    }

    [Fact]
    public async Task RunAsync_WithoutTokenizer_UsesTheGeneratorsTokenizer()
    {
        var tokenizer = new WordTokenizer();
        var script = new ScriptedGenerator().ThenAnswer("ok");
        script.Generator.GetServiceCallback = (type, _) => type == typeof(ITokenizer) ? tokenizer : null;
        var agent = new Agent(script.Generator, new AgentOptions { Name = "memory", Memory = new AgentMemoryOptions { TokenBudget = 120 } });

        await agent.RunAsync(LongConversation(5));

        Assert.True(tokenizer.Calls > 0);
        Assert.Equal(4, script.Requests[0].Messages.Count);
    }

    [Fact]
    public async Task RunAsync_SummariseOn_ReplacesDroppedTurnsWithTheGeneratorsSummary()
    {
        var script = new ScriptedGenerator()
            .Then(request =>
            {
                // The summarisation call: the summary instructions and the dropped turns as text.
                Assert.Equal(AgentMemoryOptions.DefaultSummaryInstructions, request.Messages[0].Text);
                Assert.Contains("user: question 0", request.Messages[1].Text, StringComparison.Ordinal);
                Assert.DoesNotContain("question 4", request.Messages[1].Text, StringComparison.Ordinal);
                Assert.Equal(40, request.Options!.MaxTokens);
                return new GenerationResult("The user asked four questions.") { Usage = new Usage { PromptTokens = 100, CompletionTokens = 6 } };
            })
            .ThenAnswer("ok");
        var agent = new Agent(script.Generator, new AgentOptions
        {
            Name = "memory",
            Memory = new AgentMemoryOptions { TokenBudget = 150, SummarizeTrimmedTurns = true, SummaryMaxTokens = 40, Tokenizer = new WordTokenizer() },
        });

        var result = await agent.RunAsync(LongConversation(5));

        var sent = script.Requests[1].Messages;
        Assert.Equal("Be brief.", sent[0].Text);
        Assert.Equal(MessageRole.System, sent[1].Role);
        Assert.Equal("Summary of the earlier conversation: The user asked four questions.", sent[1].Text);
        Assert.StartsWith("question 4", sent[2].Text, StringComparison.Ordinal);
        Assert.Equal(106 + 12, result.Usage.TotalTokens);
    }

    [Fact]
    public async Task RunAsync_TrimsBelowTheBudget_SoTheNextStepKeepsTheSamePrefix()
    {
        var tokenizer = new WordTokenizer();
        var options = new AgentOptions { Name = "memory", Memory = new AgentMemoryOptions { TokenBudget = 120, Tokenizer = tokenizer } };
        options.Tools.Add(AgentTool.FromDelegate(() => "small result", "probe"));
        var script = new ScriptedGenerator().ThenCall(("probe", "{}")).ThenAnswer("ok");

        await new Agent(script.Generator, options).RunAsync(LongConversation(5));

        var first = script.Requests[0].Messages;
        var second = script.Requests[1].Messages;
        Assert.Equal(first, second.Take(first.Count));
    }
}
