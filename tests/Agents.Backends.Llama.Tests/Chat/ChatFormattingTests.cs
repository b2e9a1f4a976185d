using Agents.Backends.Llama.Chat;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Chat;

public sealed class ChatFormattingTests
{
    private static readonly Message[] Conversation =
    [
        Message.System("Be brief."),
        Message.User("Hi"),
        Message.Assistant("Hello!"),
        Message.User("Bye"),
    ];

    [Fact]
    public void ChatML_FormatsEveryTurnAndOpensTheAssistant()
    {
        var text = FallbackChatFormatter.Create("chatml").Format(Conversation);

        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
            + "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
            text);
    }

    [Fact]
    public void Llama2_PutsSystemInFirstInstructionAndClosesReplies()
    {
        var text = FallbackChatFormatter.Create("LLAMA2").Format(Conversation);

        Assert.Equal("[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Bye [/INST]", text);
    }

    [Fact]
    public void Llama3_UsesHeadersAndEndOfTurn()
    {
        var text = FallbackChatFormatter.Create("llama3").Format(Conversation);

        Assert.Equal(
            "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n",
            text);
    }

    [Fact]
    public void Gemma_MergesSystemIntoFirstUserTurn()
    {
        var text = FallbackChatFormatter.Create("gemma").Format(Conversation);

        Assert.Equal(
            "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n"
            + "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n",
            text);
    }

    [Fact]
    public void Phi3_UsesRoleTagsAndEnd()
    {
        var text = FallbackChatFormatter.Create("phi3").Format([Message.User("Hi")]);

        Assert.Equal("<|user|>\nHi<|end|>\n<|assistant|>\n", text);
    }

    [Fact]
    public void Mistral_JoinsSystemToFirstInstruction()
    {
        var text = FallbackChatFormatter.Create("mistral").Format(Conversation);

        Assert.Equal("[INST] Be brief.\n\nHi [/INST] Hello! </s><s>[INST] Bye [/INST]", text);
    }

    [Fact]
    public void Create_UnknownName_ThrowsListingKnownNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => FallbackChatFormatter.Create("klingon"));

        Assert.Contains("chatml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_UnknownFallback_FailsValidation()
    {
        var options = new LlamaModelOptions { Load = { ModelPath = "x.gguf", ChatTemplateFallback = "klingon" } };
        var errors = Agents.Configuration.OptionsValidator.GetErrors(options, "Agents:Llama");

        var error = Assert.Single(errors);
        Assert.StartsWith("Agents:Llama:ChatTemplateFallback: Unknown chat template 'klingon'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generator_ModelWithoutTemplateAndNoFallback_RefusesWithClearError()
    {
        using var generator = new LlamaGenerator(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, ContextSize = 256 }, Scheduling = { MaxConcurrentSequences = 1 } });

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => generator.GenerateAsync("Hi"));

        Assert.Equal("ChatTemplateFallback", ex.Parameter);
        Assert.Contains("no chat template", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generator_Fallbacks_ChangeThePrompt()
    {
        var counts = new List<int>();
        foreach (var name in new[] { "chatml", "llama2", "zephyr" })
        {
            using var generator = new LlamaGenerator(new LlamaModelOptions
            {
                Load =
                {
                    ModelPath = TestModel.Path,
                    ContextSize = 256,
                    ChatTemplateFallback = name,
                },
                Scheduling =
                {
                    MaxConcurrentSequences = 1,
                },
            });
            var result = await generator.GenerateAsync("Hi", new GenerationOptions { MaxTokens = 1 });
            counts.Add(result.Usage!.PromptTokens);
        }

        Assert.Equal(3, counts.Distinct().Count());
    }
}
