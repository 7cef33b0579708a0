//! The tonic adapter: instruments from the domain, on the wire.

use tonic::{Request, Response, Status};
use yishe_domain::assessment::{Definition, Instrument as Domain};
use yishe_proto::assessment::assessment_service_server::AssessmentService as Rpc;
use yishe_proto::assessment::*;
use yishe_runtime::auth::context;

/// The gRPC face of the assessment service.
#[derive(Debug, Clone, Copy, Default)]
pub struct AssessmentGrpc;

fn to_wire(d: Definition) -> Instrument {
    Instrument {
        instrument_id: d.instrument.id().to_owned(),
        version: d.version,
        title: d.title,
        sections: d
            .sections
            .into_iter()
            .map(|s| InstrumentSection {
                section_id: s.id,
                title: s.title,
                items: s
                    .items
                    .into_iter()
                    .map(|i| InstrumentItem {
                        item_id: i.id,
                        prompt: i.prompt,
                        options: i
                            .options
                            .into_iter()
                            .map(|o| AnswerOption {
                                value: o.value,
                                label: o.label,
                            })
                            .collect(),
                        shown_if: i
                            .shown_if
                            .map(|(item_id, value)| SkipRule { item_id, value }),
                        optional: i.optional,
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[tonic::async_trait]
impl Rpc for AssessmentGrpc {
    async fn list_instruments(
        &self,
        request: Request<ListInstrumentsRequest>,
    ) -> Result<Response<ListInstrumentsResponse>, Status> {
        context(&request)?;
        let instruments = Domain::ALL
            .into_iter()
            .map(|i| to_wire(i.definition()))
            .collect();
        Ok(Response::new(ListInstrumentsResponse { instruments }))
    }

    async fn get_instrument(
        &self,
        request: Request<GetInstrumentRequest>,
    ) -> Result<Response<GetInstrumentResponse>, Status> {
        context(&request)?;
        let r = request.into_inner();
        let instrument = Domain::parse(&r.instrument_id)
            .filter(|i| r.version == 0 || r.version == i.version())
            .ok_or_else(|| Status::not_found("no such instrument, or no such version of it"))?;
        Ok(Response::new(GetInstrumentResponse {
            instrument: Some(to_wire(instrument.definition())),
        }))
    }
}
