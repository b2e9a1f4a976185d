using Agents.Testing;
using Microsoft.Extensions.AI;

namespace Agents.Tests.Interop;

/// <summary><see cref="ChatToolMode"/> and <see cref="ToolChoice"/> map onto each other in both directions.</summary>
public class ToolModeInteropTests
{
    public static TheoryData<string> Modes => ["auto", "none", "any", "specific", "unset"];

    private static (ChatToolMode? Mode, ToolChoice? Choice) Pair(string name) => name switch
    {
        "auto" => (ChatToolMode.Auto, ToolChoice.Auto),
        "none" => (ChatToolMode.None, ToolChoice.None),
        "any" => (ChatToolMode.RequireAny, ToolChoice.Required),
        "specific" => (ChatToolMode.RequireSpecific("lookup"), ToolChoice.Function("lookup")),
        _ => (null, null),
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AsChatClient_ToolMode_ReachesTheGeneratorAsToolChoice(string name)
    {
        var (mode, choice) = Pair(name);
        var generator = new TestGenerator();
        using var client = generator.AsChatClient();

        await client.GetResponseAsync("hi", new ChatOptions { ToolMode = mode, Tools = [AIFunctionFactory.CreateDeclaration("lookup", null, default)] });

        Assert.Equal(choice, generator.Requests[0].Options!.ToolChoice);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AsGenerator_ToolChoice_ReachesTheChatClientAsToolMode(string name)
    {
        var (mode, choice) = Pair(name);
        ChatOptions? seen = null;
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, options, _) =>
            {
                seen = options;
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        };
        using var generator = client.AsGenerator();

        await generator.GenerateAsync(new GenerationRequest([Message.User("hi")], new GenerationOptions { ToolChoice = choice }));

        Assert.Equal(mode, seen!.ToolMode);
    }

    [Fact]
    public async Task AsChatClient_ToolModeNone_OffersNoTools()
    {
        var generator = new TestGenerator();
        using var client = generator.AsChatClient();

        await client.GetResponseAsync("hi", new ChatOptions { ToolMode = ChatToolMode.None, Tools = [AIFunctionFactory.CreateDeclaration("lookup", null, default)] });

        Assert.Null(generator.Requests[0].Options!.Tools);
    }

    [Fact]
    public void ToolChoiceFunction_BlankName_ThrowsArgumentException() =>
        Assert.ThrowsAny<ArgumentException>(() => ToolChoice.Function(" "));

    [Fact]
    public void Clone_CopiesToolChoice() =>
        Assert.Equal(ToolChoice.Function("x"), new GenerationOptions { ToolChoice = ToolChoice.Function("x") }.Clone().ToolChoice);

    [Fact]
    public async Task AsChatClient_ResponseAndUpdates_CarryTheContractObjectsAsRawRepresentation()
    {
        var result = new GenerationResult("Hello there");
        var generator = new TestGenerator
        {
            GenerateAsyncCallback = (_, _) => Task.FromResult(result),
            StreamAsyncCallback = (_, _) => result.ToUpdates().ToAsyncEnumerable(),
        };
        using var client = generator.AsChatClient();

        var response = await client.GetResponseAsync("hi");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("hi"))
        {
            updates.Add(update);
        }

        Assert.Same(result, response.RawRepresentation);
        Assert.NotEmpty(updates);
        Assert.Equal(result.ToUpdates().Select(u => u.Text), updates.Select(u => Assert.IsType<GenerationUpdate>(u.RawRepresentation).Text));
    }
}
