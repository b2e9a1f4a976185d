using Agents.Testing;

namespace Agents.Tests.PromptCaching;

public sealed class PromptCachingGeneratorTests
{
    private static readonly Message[] s_conversation =
    [
        Message.System("You are terse."),
        Message.User("Hi"),
        Message.Assistant("Hello."),
        Message.User("What is 2+2?"),
    ];

    private static (IGenerator Generator, TestGenerator Backend) Create(Action<PromptCachingOptions>? configure = null)
    {
        var backend = new TestGenerator();
        return (new GeneratorBuilder(backend).UsePromptCaching(configure).Build(), backend);
    }

    [Fact]
    public async Task GenerateAsync_Conversation_MarksAllButTheNewestMessageStable()
    {
        var (generator, backend) = Create();

        await generator.GenerateAsync(new GenerationRequest(s_conversation));

        var hint = backend.Requests.Single().Options!.CacheHint!;
        Assert.Equal(3, hint.StablePrefixMessageCount);
        Assert.Equal(0, hint.SharedPrefixMessageCount);
        Assert.True(hint.ToolsAreStable);
        Assert.Null(hint.TenantKey);
    }

    [Fact]
    public async Task StreamAsync_Conversation_MarksTheSameHint()
    {
        var (generator, backend) = Create();

        await foreach (var _ in generator.StreamAsync(new GenerationRequest(s_conversation)))
        {
        }

        Assert.Equal(3, backend.Requests.Single().Options!.CacheHint!.StablePrefixMessageCount);
    }

    [Fact]
    public async Task GenerateAsync_ThroughLastAssistantBoundary_LeavesTheNewestTurnOut()
    {
        var (generator, backend) = Create(o => o.Boundary = StablePrefixBoundary.ThroughLastAssistantMessage);
        Message[] messages = [.. s_conversation, Message.User("And 3+3?")];

        await generator.GenerateAsync(new GenerationRequest(messages));
        await generator.GenerateAsync(new GenerationRequest([Message.System("S"), Message.User("first")]));

        Assert.Equal(3, backend.Requests[0].Options!.CacheHint!.StablePrefixMessageCount);
        Assert.Equal(1, backend.Requests[1].Options!.CacheHint!.StablePrefixMessageCount);
    }

    [Fact]
    public async Task GenerateAsync_SingleMessage_MarksNothingStable()
    {
        var (generator, backend) = Create();

        await generator.GenerateAsync(GenerationRequest.FromPrompt("hello"));

        Assert.Equal(0, backend.Requests.Single().Options!.CacheHint!.StablePrefixMessageCount);
    }

    [Fact]
    public async Task GenerateAsync_ShareSystemPrompt_MarksLeadingSystemMessagesShared()
    {
        var (generator, backend) = Create(o => o.ShareSystemPrompt = true);
        Message[] messages = [Message.System("Policy"), Message.System("Tools manual"), .. s_conversation[1..]];

        await generator.GenerateAsync(new GenerationRequest(messages));
        await generator.GenerateAsync(new GenerationRequest([Message.System("Policy"), Message.User("Hi")]));

        var hint = backend.Requests[0].Options!.CacheHint!;
        Assert.Equal(2, hint.SharedPrefixMessageCount);
        Assert.Equal(4, hint.StablePrefixMessageCount);
        Assert.Equal(1, backend.Requests[1].Options!.CacheHint!.SharedPrefixMessageCount);
    }

    [Fact]
    public async Task GenerateAsync_TenantFromSelector_WinsOverAdditionalProperties()
    {
        var (generator, backend) = Create(o =>
        {
            o.TenantKeySelector = r => r.Messages[0].Name;
            o.ReadTenantKeyFromProperties = true;
        });
        var options = new GenerationOptions { AdditionalProperties = new Dictionary<string, object?> { ["tenant_key"] = "from-properties" } };

        await generator.GenerateAsync(new GenerationRequest([Message.User("x") with { Name = "from-selector" }, Message.User("y")], options));
        await generator.GenerateAsync(new GenerationRequest([Message.User("x"), Message.User("y")], options));

        Assert.Equal("from-selector", backend.Requests[0].Options!.CacheHint!.TenantKey);
        Assert.Equal("from-properties", backend.Requests[1].Options!.CacheHint!.TenantKey);
    }

    [Fact]
    public async Task GenerateAsync_CustomTenantProperty_IsRead()
    {
        var (generator, backend) = Create(o =>
        {
            o.TenantKeyProperty = "customer";
            o.ReadTenantKeyFromProperties = true;
        });
        var options = new GenerationOptions { AdditionalProperties = new Dictionary<string, object?> { ["customer"] = "acme", ["tenant_key"] = "other" } };

        await generator.GenerateAsync(new GenerationRequest(s_conversation, options));

        Assert.Equal("acme", backend.Requests.Single().Options!.CacheHint!.TenantKey);
    }

    [Fact]
    public async Task GenerateAsync_TenantKeyInAdditionalProperties_IsIgnoredUnlessTheAppOptsIn()
    {
        var (generator, backend) = Create(_ => { });
        var options = new GenerationOptions { AdditionalProperties = new Dictionary<string, object?> { ["tenant_key"] = "chosen-by-the-end-user" } };

        await generator.GenerateAsync(new GenerationRequest(s_conversation, options));

        Assert.Null(backend.Requests.Single().Options!.CacheHint!.TenantKey);
    }

    [Fact]
    public async Task GenerateAsync_CallerSetHint_PassesThroughUntouched()
    {
        var (generator, backend) = Create(o => o.ShareSystemPrompt = true);
        var explicitHint = new CacheHint { StablePrefixMessageCount = 1, TenantKey = "mine" };
        var request = new GenerationRequest(s_conversation, new GenerationOptions { CacheHint = explicitHint });

        await generator.GenerateAsync(request);

        Assert.Same(request, backend.Requests.Single());
        Assert.Same(explicitHint, backend.Requests.Single().Options!.CacheHint);
    }

    [Fact]
    public async Task GenerateAsync_Request_IsClonedNotMutatedAndMessagesStayByteStable()
    {
        var (generator, backend) = Create();
        var options = new GenerationOptions { Temperature = 0.5f, StopSequences = ["END"] };
        var request = new GenerationRequest(s_conversation, options);

        await generator.GenerateAsync(request);

        Assert.Null(options.CacheHint);
        Assert.Same(options, request.Options);
        var received = backend.Requests.Single();
        Assert.NotSame(request, received);
        Assert.NotSame(options, received.Options);
        Assert.Equal(0.5f, received.Options!.Temperature);
        Assert.Equal(s_conversation.Length, received.Messages.Count);
        for (var i = 0; i < s_conversation.Length; i++)
        {
            Assert.Same(s_conversation[i], received.Messages[i]);
        }
    }

    [Fact]
    public async Task GenerateAsync_ToolsNotStable_IsReflected()
    {
        var (generator, backend) = Create(o => o.ToolsAreStable = false);

        await generator.GenerateAsync(new GenerationRequest(s_conversation));

        Assert.False(backend.Requests.Single().Options!.CacheHint!.ToolsAreStable);
    }

    [Fact]
    public void UsePromptCaching_InvalidOptions_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new GeneratorBuilder(new TestGenerator()).UsePromptCaching(o => o.TenantKeyProperty = " "));

        Assert.Contains("TenantKeyProperty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SeveralBadSettings_OneArgumentExceptionNamingEach()
    {
        var options = new PromptCachingOptions { Boundary = (StablePrefixBoundary)99, TenantKeyProperty = "" };

        var error = Assert.Throws<ArgumentException>(() => new PromptCachingGenerator(new TestGenerator(), options));

        Assert.Equal("options", error.ParamName);
        Assert.Contains("Boundary: Boundary is not a known boundary (99).", error.Message, StringComparison.Ordinal);
        Assert.Contains("TenantKeyProperty: TenantKeyProperty must not be empty.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetErrors_ValidPromptCachingOptions_IsEmpty()
    {
        Assert.Empty(Agents.Configuration.OptionsValidator.GetErrors(new PromptCachingOptions { Boundary = StablePrefixBoundary.AllButLastMessage }));
    }

    [Fact]
    public void UsePromptCaching_ConfigureAfterwards_DoesNotChangeTheBuiltMiddleware()
    {
        PromptCachingOptions? captured = null;
        var backend = new TestGenerator();
        var generator = new GeneratorBuilder(backend).UsePromptCaching(o => captured = o).Build();
        captured!.ShareSystemPrompt = true;

        var hint = ((PromptCachingGenerator)generator.GetService(typeof(PromptCachingGenerator))!).CreateHint(new GenerationRequest(s_conversation));

        Assert.Equal(0, hint.SharedPrefixMessageCount);
    }

    [Fact]
    public void GetService_PromptCachingGenerator_IsFoundThroughThePipeline()
    {
        var (generator, _) = Create();

        Assert.IsType<PromptCachingGenerator>(generator.GetService(typeof(PromptCachingGenerator)));
    }
}
