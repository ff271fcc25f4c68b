package io.xaichat.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.gateway.models.ModelCatalog;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ChatJobMapperTest {
    private static final String PNG = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    private final ChatJobMapper mapper = new ChatJobMapper(new SchemaValidator(),
            ModelCatalog.parse("chat=qwen,vision=qwen-vl", "gpt-4o=default"));

    private static JsonNode body(String json) throws Exception {
        return Json.tree(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void textMessagesBecomeAChatJobWithOpenAiFieldsMapped() throws Exception {
        ChatJob job = mapper.map(body("{'model':'gpt-4o','messages':[{'role':'developer','content':'Be brief'},"
                + "{'role':'user','content':[{'type':'text','text':'Hi '},{'type':'text','text':'there'}]}],"
                + "'max_completion_tokens':7,'temperature':0.2,'stop':'END','seed':9,'stream':true,"
                + "'stream_options':{'include_usage':true},'user':'u1'}"));
        assertThat(job.kind()).isEqualTo(JobKind.CHAT);
        assertThat(job.model()).isNull();
        assertThat(job.servedModel()).isEqualTo("qwen");
        assertThat(job.stream()).isTrue();
        assertThat(job.includeUsage()).isTrue();
        assertThat(job.request().toString()).isEqualTo("{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},"
                + "{\"role\":\"user\",\"content\":\"Hi there\"}],\"max_tokens\":7,\"temperature\":0.2,"
                + "\"stop\":[\"END\"],\"seed\":9,\"top_p\":1,\"top_k\":0,\"stream\":true}"); // OpenAI's top_p default, no top-k
    }

    @Test
    void anImagePartMakesAVisionJobWithSystemQuestionAndImage() throws Exception {
        ChatJob job = mapper.map(body("{'model':'qwen-vl','max_tokens':5,'messages':[{'role':'system','content':'You see.'},"
                + "{'role':'user','content':[{'type':'text','text':'What is it?'},{'type':'image_url','image_url':"
                + "{'url':'data:image/png;base64," + PNG + "','detail':'low'}}]}]}"));
        assertThat(job.kind()).isEqualTo(JobKind.VISION);
        assertThat(job.model()).isEqualTo("qwen-vl");
        assertThat(job.request().get("image").get("base64").asText()).isEqualTo(PNG);
        assertThat(job.request().get("question").asText()).isEqualTo("What is it?");
        assertThat(job.request().get("system").asText()).isEqualTo("You see.");
        assertThat(job.request().get("max_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void refusesWhatItCannotHonourWithTheParameterNamed() {
        assertRefused("{'model':'qwen','messages':[{'role':'user','content':'x'}],'tools':[{'type':'function'}]}", "tools");
        String image = "{'type':'image_url','image_url':{'url':'data:image/png;base64," + PNG + "'}}";
        assertRefused("{'model':'qwen-vl','messages':[{'role':'user','content':[{'type':'text','text':'q'}," + image
                + "]}],'presence_penalty':0.5}", "presence_penalty");
        assertRefused("{'model':'qwen-vl','messages':[{'role':'user','content':[{'type':'text','text':'q'}," + image
                + "]}],'response_format':{'type':'json_object'}}", "response_format");
        assertRefused("{'model':'qwen-vl','messages':[{'role':'user','content':[{'type':'text','text':'q'}," + image
                + "]}],'logprobs':true}", "logprobs");
        assertRefused("{'model':'qwen','messages':[{'role':'user','content':'x'}],'n':2}", "n");
        assertRefused("{'model':'qwen-vl','messages':[{'role':'user','content':[{'type':'text','text':'q'},"
                + "{'type':'image_url','image_url':{'url':'https://example.invalid/cat.png'}}]}]}", "messages[0].content[1].image_url");
        assertRefused("{'model':'qwen','messages':[{'role':'user','content':[{'type':'text','text':'q'},"
                + "{'type':'image_url','image_url':{'url':'data:image/png;base64," + PNG + "'}}]}]}", "model");
        assertThatThrownBy(() -> mapper.map(body("{'model':'qwen','messages':[{'role':'tool','content':'x'}]}")))
                .isInstanceOf(ApiError.class).hasMessageContaining("role 'tool'");
    }

    @Test
    void chatRequestsGetTheEngineOptionsMappedFromOpenAiFields() throws Exception {
        ChatJob job = mapper.map(body("{'model':'qwen','messages':[{'role':'user','content':'x'}],"
                + "'presence_penalty':0.5,'frequency_penalty':-0.25,'logit_bias':{'42':-100},'logprobs':true,"
                + "'top_logprobs':3,'response_format':{'type':'json_object'}}"));
        JsonNode r = job.request();
        assertThat(r.get("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(r.get("frequency_penalty").asDouble()).isEqualTo(-0.25);
        assertThat(r.at("/logit_bias/42").asDouble()).isEqualTo(-100);
        assertThat(r.get("logprobs").asBoolean()).isTrue();
        assertThat(r.get("top_logprobs").asInt()).isEqualTo(3);
        assertThat(r.at("/response_format/type").asText()).isEqualTo("json_object");
    }

    @Test
    void penaltiesOfZeroAndTextResponseFormatAreAccepted() throws Exception {
        ChatJob job = mapper.map(body("{'model':'default','messages':[{'role':'user','content':'x'}],"
                + "'presence_penalty':0,'frequency_penalty':0,'response_format':{'type':'text'},'logprobs':false,'n':1}"));
        assertThat(job.kind()).isEqualTo(JobKind.CHAT);
    }

    private void assertRefused(String json, String param) {
        assertThatThrownBy(() -> mapper.map(body(json))).isInstanceOf(ApiError.class)
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(400))
                .satisfies(e -> assertThat(((ApiError) e).body().get("error").get("param").asText()).isEqualTo(param));
    }
}
