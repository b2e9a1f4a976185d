using Agents.Backends.Llama.Tests.Infrastructure;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Chat;

public sealed class ModelChatTemplateTests : IDisposable
{
    // The Jinja template ChatML models ship; llama.cpp recognises it and applies its ChatML formatter.
    private const string ChatMLJinja =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    // Phi-3's template, recognised by its <|assistant|> and <|end|> markers.
    private const string Phi3Jinja =
        "{% for message in messages %}{{'<|' + message['role'] + '|>' + '\\n' + message['content'] + '<|end|>\\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

    private readonly string _directory = Directory.CreateTempSubdirectory("llama-template-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ModelWithTemplate(string template)
    {
        var path = Path.Combine(_directory, $"with-template-{template.Length}.gguf");
        GgufMetadataEditor.AddString(TestModel.Path, path, "tokenizer.chat_template", template);
        return path;
    }

    private static async Task<int> PromptTokensAsync(LlamaModelOptions options)
    {
        options.Load.ContextSize = 256;
        options.Scheduling.MaxConcurrentSequences = 1;
        using var generator = new LlamaGenerator(options);
        var request = new GenerationRequest([Message.System("Be brief."), Message.User("Hi there")], new GenerationOptions { MaxTokens = 1 });
        return (await generator.GenerateAsync(request)).Usage!.PromptTokens;
    }

    [Fact]
    public async Task ModelTemplate_IsUsedThroughLlamaCpp_AndMatchesTheEquivalentFallback()
    {
        var path = ModelWithTemplate(ChatMLJinja);
        using (var model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = path } }))
        {
            Assert.True(model.Info.HasChatTemplate);
        }

        var viaModel = await PromptTokensAsync(new LlamaModelOptions { Load = { ModelPath = path } });
        var viaFallback = await PromptTokensAsync(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, ChatTemplateFallback = "chatml" } });

        Assert.Equal(viaFallback, viaModel);
    }

    [Fact]
    public async Task OverrideModelChatTemplate_UsesTheFallbackInstead()
    {
        var path = ModelWithTemplate(Phi3Jinja);

        var own = await PromptTokensAsync(new LlamaModelOptions { Load = { ModelPath = path } });
        var phi3Fallback = await PromptTokensAsync(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, ChatTemplateFallback = "phi3" } });
        var overridden = await PromptTokensAsync(new LlamaModelOptions
        {
            Load =
            {
                ModelPath = path,
                ChatTemplateFallback = "chatml",
                OverrideModelChatTemplate = true,
            },
        });
        var chatml = await PromptTokensAsync(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, ChatTemplateFallback = "chatml" } });

        Assert.Equal(phi3Fallback, own);
        Assert.Equal(chatml, overridden);
        Assert.NotEqual(own, overridden);
    }
}
