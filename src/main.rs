fn main() {
    matrix_sessions::web::startup::start();
}
